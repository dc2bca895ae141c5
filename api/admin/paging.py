"""Paging for long admin lists: one page of rows plus 上一页/下一页 links that keep the list's filters.

``paginate(rows, number, path, filters)`` cuts ``rows`` into pages of
``PAGE_SIZE``; a page number past the end shows the last page. The links
repeat the non-empty ``filters`` so moving between pages keeps the selection.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

PAGE_SIZE = 50


@dataclass(frozen=True)
class Page:
    rows: list
    number: int
    pages: int
    total: int
    previous_url: str | None
    next_url: str | None


def page_url(path: str, filters: dict[str, str], number: int) -> str:
    query = {key: value for key, value in filters.items() if value}
    if number > 1:
        query["page"] = str(number)
    return path + (f"?{urlencode(query)}" if query else "")


def paginate(rows: list, number: int, path: str, filters: dict[str, str], size: int = PAGE_SIZE) -> Page:
    """Page ``number`` (from 1) of ``rows``, with links to its neighbours under ``path``."""
    pages = max(1, -(-len(rows) // size))
    number = min(max(number, 1), pages)
    return Page(
        rows=rows[(number - 1) * size : number * size],
        number=number,
        pages=pages,
        total=len(rows),
        previous_url=page_url(path, filters, number - 1) if number > 1 else None,
        next_url=page_url(path, filters, number + 1) if number < pages else None,
    )
