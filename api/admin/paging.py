"""Paging for long admin lists: one page of rows plus page links (上一页/下一页 and numbers) that keep the list's filters.

``paginate(rows, number, path, filters)`` cuts ``rows`` into pages of
``PAGE_SIZE``; a page number past the end shows the last page. The links
repeat the non-empty ``filters`` so moving between pages keeps the selection;
numbered links cover the first and last page and two either side of the
current one, with a gap (None) for the pages left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

PAGE_SIZE = 50
AROUND = 2  # numbered links either side of the current page


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: a gap between numbers
    url: str | None  # None: the current page, or a gap


@dataclass(frozen=True)
class Page:
    rows: list
    number: int
    pages: int
    total: int
    previous_url: str | None
    next_url: str | None
    links: list[PageLink]


def page_query(filters: dict[str, str], number: int) -> dict[str, str]:
    """The query parameters of page ``number``: the non-empty filters, and the page unless it is the first."""
    query = {key: value for key, value in filters.items() if value}
    if number > 1:
        query["page"] = str(number)
    return query


def page_url(path: str, filters: dict[str, str], number: int) -> str:
    query = page_query(filters, number)
    return path + (f"?{urlencode(query)}" if query else "")


def page_numbers(number: int, pages: int) -> list[int | None]:
    """The page numbers to link from page ``number`` of ``pages``, None where numbers are left out."""
    shown = sorted({1, pages, *range(max(1, number - AROUND), min(pages, number + AROUND) + 1)})
    numbers: list[int | None] = []
    for shown_number in shown:
        if numbers and shown_number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(shown_number)
    return numbers


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
        links=[
            PageLink(shown, page_url(path, filters, shown) if shown not in (None, number) else None)
            for shown in page_numbers(number, pages)
        ],
    )
