"""Chinese article numbers: convert between Chinese numerals and integers.

Statutes number their articles in Chinese numerals (第二百七十六条之一,
第一千零六十七条); users type either those or Arabic digits (276条之一,
1067条). This module turns one into the other and parses a full article
reference into an ``ArticleNo`` (number plus the 之N suffix).
"""

from __future__ import annotations

import re
from typing import NamedTuple

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_CN_CHARS = "".join(_DIGITS) + "".join(_UNITS)
NUMBER_PATTERN = rf"(?:\d+|[{_CN_CHARS}]+)"
ARTICLE_PATTERN = rf"第?\s*({NUMBER_PATTERN})\s*条(?:\s*之\s*({NUMBER_PATTERN}))?"


class ArticleNo(NamedTuple):
    """An article number: ``ArticleNo(276, 1)`` is 第二百七十六条之一."""

    number: int
    suffix: int = 0

    def label(self) -> str:
        text = f"第{to_chinese(self.number)}条"
        return text + (f"之{to_chinese(self.suffix)}" if self.suffix else "")


def to_int(text: str) -> int:
    """Parse Arabic digits or a Chinese numeral (一千零六十七, 十二, 二十) into an int."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _DIGITS and ch not in _UNITS for ch in text):
        raise ValueError(f"not a number: {text!r}")
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
            continue
        unit = _UNITS[ch]
        if unit == 10000:
            total += (section + (digit or 0)) * unit
            section, digit = 0, None
        else:
            section += (1 if digit is None else digit) * unit
            digit = None
    return total + section + (digit or 0)


def to_chinese(number: int) -> str:
    """Write a positive int below 100000 the way statutes do (一千零六十七, 十二)."""
    if number <= 0 or number >= 100000:
        raise ValueError(f"out of range: {number}")
    names = "零一二三四五六七八九"
    parts: list[str] = []
    pending_zero = False
    for unit, unit_name in ((10000, "万"), (1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, number = divmod(number, unit)
        if digit:
            if pending_zero:
                parts.append("零")
            parts.append(names[digit] + unit_name)
            pending_zero = False
        elif parts:
            pending_zero = True
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text


def parse_article(text: str) -> ArticleNo:
    """Parse 第八十二条, 82条, 第276条之一 or a bare number into an ``ArticleNo``."""
    match = re.fullmatch(ARTICLE_PATTERN, text.strip()) or re.fullmatch(
        rf"({NUMBER_PATTERN})(?:\s*之\s*({NUMBER_PATTERN}))?", text.strip()
    )
    if not match:
        raise ValueError(f"not an article number: {text!r}")
    number, suffix = match.group(1), match.group(2)
    return ArticleNo(to_int(number), to_int(suffix) if suffix else 0)
