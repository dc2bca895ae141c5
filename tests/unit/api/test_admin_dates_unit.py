"""The ``beijing`` filter: stored UTC times shown as Beijing time (UTC+8, across the date line too)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from api.admin.dates import beijing


def test_naive_values_are_read_as_utc_and_shown_in_beijing_time():
    assert beijing(datetime(2026, 11, 25, 7, 30)) == "2026-11-25 15:30"
    assert beijing(datetime(2026, 12, 31, 16, 5, 9), "%Y-%m-%d %H:%M:%S") == "2027-01-01 00:05:09"


def test_aware_values_are_converted_and_none_is_blank():
    new_york = timezone(timedelta(hours=-5))
    assert beijing(datetime(2026, 11, 24, 22, 0, tzinfo=new_york)) == "2026-11-25 11:00"
    assert beijing(None) == ""
