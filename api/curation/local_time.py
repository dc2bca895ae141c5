"""Beijing time for what staff read: the database stores naive UTC, people count days in Asia/Shanghai.

``to_beijing`` reads a naive value as UTC (an aware one is converted as is);
``beijing_date`` is the calendar day a moment falls on in Beijing, and
``utc_start_of`` the naive-UTC moment a Beijing day begins, for queries.
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def to_beijing(value: datetime) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(BEIJING)


def beijing_date(value: datetime) -> date:
    return to_beijing(value).date()


def utc_start_of(day: date) -> datetime:
    """The naive UTC moment Beijing's ``day`` begins (16:00 UTC the day before)."""
    return datetime.combine(day, time.min, tzinfo=BEIJING).astimezone(timezone.utc).replace(tzinfo=None)
