"""Mask personal numbers in user text before it is stored (phones, ID cards, bank cards) and hash sender ids.

Mainland mobile numbers keep their first three and last four digits
(``138****5678``); 18- and 15-digit resident ID numbers become ``[身份证号]``,
bank-card numbers (16–19 digits, often written in groups of four)
``[银行卡号]``, landlines with an area code ``[固定电话]``. Spaces, dashes and
full-width digits are recognised. As a last line of defence any other run of
eleven or more digits becomes ``[号码]``, so no long number is ever stored as
typed; short numbers (amounts, dates, article numbers, hotlines such as
12348) are left alone.
"""

from __future__ import annotations

import re

from knowledge_base.store.senders import sender_hash as sender_hash  # re-exported: the API hashes as the store does

_FULL_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")
_SEP = r"[ \-]?"

ID_CARD_18 = re.compile(
    rf"(?<!\d)\d{{6}}{_SEP}(?:18|19|20)\d{{2}}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
    rf"{_SEP}\d{{3}}[\dXx](?![\dXx])"
)
ID_CARD_15 = re.compile(r"(?<!\d)\d{6}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?!\d)")
BANK_CARD = re.compile(rf"(?<!\d)\d{{4}}(?:{_SEP}\d{{4}}){{3}}(?:{_SEP}\d{{1,3}})?(?!\d)")
MOBILE = re.compile(rf"(?<!\d)(?:\+?86{_SEP})?(1[3-9]\d){_SEP}(\d{{4}}){_SEP}(\d{{4}})(?!\d)")
LANDLINE = re.compile(r"(?<!\d)(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[ \-]?)\d{7,8}(?:[-转]\d{1,5})?(?!\d)")
LONG_NUMBER = re.compile(r"(?<!\d)\d(?:[ \-]?\d){10,}(?!\d)")


def _mobile(match: re.Match) -> str:
    return f"{match.group(1)}****{match.group(3)}"


def mask(text: str) -> str:
    """``text`` with every phone, ID-card and bank-card number masked."""
    masked = text.translate(_FULL_WIDTH)
    masked = ID_CARD_18.sub("[身份证号]", masked)
    masked = BANK_CARD.sub("[银行卡号]", masked)
    masked = MOBILE.sub(_mobile, masked)
    masked = ID_CARD_15.sub("[身份证号]", masked)
    masked = LANDLINE.sub("[固定电话]", masked)
    return LONG_NUMBER.sub("[号码]", masked)
