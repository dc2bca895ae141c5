"""The served-content revision counter: bumped whenever what the bot serves changes."""

from __future__ import annotations

from sqlalchemy.orm import Session

from knowledge_base.store.models import KbRevision


def bump_revision(session: Session) -> KbRevision:
    row = session.get(KbRevision, 1)
    if row is None:
        row = KbRevision(id=1, counter=1, seed_hash="")
        session.add(row)
    else:
        row.counter += 1
    return row
