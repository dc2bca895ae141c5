"""Entry ids for new entries, made from the area and the title: ``wage-shi-yong-qi-gong-zi-bei-tuo``.

Staff never type an id. The prefix is the area's (the same prefixes as the
unanswered queue's drafts), then the title's first syllables in pinyin
(``pypinyin``, no tones) and any Latin letters or digits of the title; an id
already taken gets ``-2``, ``-3``, … Ids match the schema's pattern
``[a-z0-9][a-z0-9_-]*``.
"""

from __future__ import annotations

import re

from pypinyin import lazy_pinyin
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.store.models import EntryRow

AREA_PREFIX = {
    "wage_arrears": "wage",
    "elderly_services": "elderly",
    "legal_services": "legalsvc",
    "other_topics": "other",
    "enterprise_risk": "guide",
}
SYLLABLES = 8
_WORD = re.compile(r"[a-z0-9]+")


def base_id(area: str, title: str) -> str:
    """The id before any collision suffix: area prefix and up to ``SYLLABLES`` words of the title."""
    words = [word for token in lazy_pinyin(title) for word in _WORD.findall(token.lower())]
    prefix = AREA_PREFIX.get(area, "entry")
    return "-".join([prefix, *words[:SYLLABLES]]) if words else f"{prefix}-entry"


def generate_id(session: Session, area: str, title: str) -> str:
    """A free id for a new entry of ``area`` titled ``title``."""
    base = base_id(area, title)
    taken = set(session.scalars(select(EntryRow.slug).where(EntryRow.slug.startswith(base))))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
