"""Near-duplicate warnings for the entry editor: existing entries whose questions are close to the new ones.

Two sources, merged by entry: every working copy in the database whose title or
a question is the same text (whitespace aside) as the new title or a new
question — drafts included, which the bot does not serve yet — and the bot's own
retriever (``knowledge_base.retrieval``), whose closest phrasing of a served
entry has a cosine of at least ``SIMILAR`` to one of them. The editor shows the
matches with links and saves only when the same questions are submitted again
with ``acknowledgement`` (the hidden confirm field).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.retrieval.pipeline import Retriever
from knowledge_base.store.models import EntryRow

SIMILAR = 0.9  # the retriever's cosine; a copied question scores 1.0, a reworded one of the same case ~0.9
MAX_QUERIES = 6  # the title and the first questions: each is one retriever search
MAX_SHOWN = 5


@dataclass(frozen=True)
class Similar:
    slug: str
    title: str
    asked: str  # the new title or question
    existing: str  # the existing entry's phrasing closest to it
    score: float  # 1.0 for the same text

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def _squash(text: str) -> str:
    return "".join(str(text).split())


def asked(data: dict) -> list[str]:
    """The new entry's title and questions, once each, in order."""
    texts = [data.get("title") or "", *(data.get("questions") or [])]
    return list(dict.fromkeys(text.strip() for text in texts if str(text).strip()))


def acknowledgement(data: dict) -> str:
    """A token for "saved anyway with these questions": the same title and questions give the same token."""
    return hashlib.sha256("\n".join(sorted(_squash(text) for text in asked(data))).encode()).hexdigest()[:16]


def _same_text(session: Session, texts: list[str], own_slug: str | None) -> list[Similar]:
    wanted = {_squash(text): text for text in texts}
    found = []
    for row in session.scalars(select(EntryRow).where(EntryRow.slug != (own_slug or ""))):
        for phrasing in [row.data.get("title") or "", *(row.data.get("questions") or [])]:
            if _squash(phrasing) in wanted:
                found.append(
                    Similar(row.slug, row.data.get("title", row.slug), wanted[_squash(phrasing)], phrasing, 1.0)
                )
                break
    return found


def _retrieved(retriever: Retriever, texts: list[str], own_slug: str | None) -> list[Similar]:
    found = []
    for text in texts[:MAX_QUERIES]:
        for hit in retriever.search(text, k=3).hits:
            if hit.entry.id != own_slug and hit.dense >= SIMILAR:
                found.append(Similar(hit.entry.id, hit.entry.title, text, hit.matched_question or text, hit.dense))
    return found


def near_duplicates(
    session: Session, retriever: Retriever | None, data: dict, own_slug: str | None = None
) -> list[Similar]:
    """The existing entries closest to ``data``'s title and questions, best first (``own_slug`` left out)."""
    texts = asked(data)
    if not texts:
        return []
    found = _same_text(session, texts, own_slug)
    if retriever is not None:
        found += _retrieved(retriever, texts, own_slug)
    best: dict[str, Similar] = {}
    for match in found:
        if match.slug not in best or match.score > best[match.slug].score:
            best[match.slug] = match
    return sorted(best.values(), key=lambda match: -match.score)[:MAX_SHOWN]
