"""Dates on the staff pages in Beijing time: the ``beijing`` Jinja filter (storage stays in UTC).

The database keeps naive UTC datetimes (``knowledge_base.store.models.utcnow``);
``beijing(value)`` reads a naive value as UTC, converts it to Asia/Shanghai
and formats it like ``2026-11-25 15:30``. Every admin template shows times
through this filter, so staff never convert time zones in their heads.
"""

from __future__ import annotations

from datetime import datetime

from api.curation.local_time import to_beijing

MINUTES = "%Y-%m-%d %H:%M"


def beijing(value: datetime | None, fmt: str = MINUTES) -> str:
    """``value`` (UTC; naive means UTC) as Beijing time, ``""`` for None."""
    if value is None:
        return ""
    return to_beijing(value).strftime(fmt)
