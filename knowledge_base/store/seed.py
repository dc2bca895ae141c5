"""Seed the database with the YAML knowledge base (the seed edition), all entries published.

An empty database is seeded on first start. After that the database is the
source of truth — with one exception for development: while nobody has
curated anything yet (the audit log holds only the seeding), a changed YAML
edition replaces the seeded entries, so edits to the repository's YAML keep
reaching the bot until staff take over.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from knowledge_base.loader import ENTRIES_DIR, load_file
from knowledge_base.store.db import Database, open_database
from knowledge_base.store.models import AuditEvent, EntryRow, EntryVersion, GuideIssueRow, KbRevision, State
from knowledge_base.store.records import to_data
from knowledge_base.store.revision import bump_revision

SEED = "seed"


def yaml_hash(root: Path = ENTRIES_DIR) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.yml")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _load_yaml(session: Session, root: Path) -> int:
    position = 0
    for path in sorted(root.rglob("*.yml")):
        source = path.relative_to(root).as_posix()
        entries, issues = load_file(path)
        for issue in issues:
            session.add(GuideIssueRow(issue=issue.issue, theme=issue.theme, topic=issue.topic, source_file=source))
        for entry in entries:
            position += 1
            data = to_data(entry)
            row = EntryRow(
                slug=entry.id,
                state=State.PUBLISHED.value,
                data=data,
                published=data,
                source_file=source,
                position=position,
            )
            row.versions.append(EntryVersion(number=1, data=data))
            session.add(row)
    return position


def _pristine(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action != SEED))


def seed_if_empty(session: Session, root: Path = ENTRIES_DIR) -> int:
    """Load the YAML entries into an empty (or never curated, outdated) database; returns how many were added."""
    current = yaml_hash(root)
    if session.scalar(select(func.count()).select_from(EntryRow)):
        revision = session.get(KbRevision, 1)
        if not _pristine(session) or (revision is not None and revision.seed_hash == current):
            return 0
        session.execute(delete(EntryVersion))
        session.execute(delete(EntryRow))
        session.execute(delete(GuideIssueRow))
    added = _load_yaml(session, root)
    session.add(AuditEvent(action=SEED, target="knowledge_base", detail=f"从 YAML 导入 {added} 条"))
    bump_revision(session).seed_hash = current
    session.commit()
    return added


def open_seeded_database(url: str | None = None) -> Database:
    """Open (and migrate) the database, seeding it from YAML when it holds no entry yet."""
    database = open_database(url)
    with database.session() as session:
        seed_if_empty(session)
    return database
