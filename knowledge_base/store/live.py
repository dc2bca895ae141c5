"""The served knowledge base for running processes: published database entries, rebuilt when the revision changes.

Each call to ``LiveKnowledge.current`` reads the database's revision counter
(one small query); when it differs from the one the retriever was built for,
the knowledge base and retriever are rebuilt from the published entries
before answering, so a publish or archive is served by the next request. Only
texts not indexed before are embedded on a rebuild, and only collections whose
entries changed are re-indexed. Without a database, or
with one that was never seeded, the YAML files are served as before. This
module only reads the database: it never creates or migrates it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from knowledge_base.loader import KnowledgeBase, load_knowledge_base
from knowledge_base.retrieval.pipeline import Retriever
from knowledge_base.schema import GuideIssue
from knowledge_base.settings import database_url
from knowledge_base.store.db import existing_engine
from knowledge_base.store.export import published_rows
from knowledge_base.store.models import GuideIssueRow, KbRevision
from knowledge_base.store.records import to_entry


@dataclass(frozen=True)
class Served:
    revision: int | None
    kb: KnowledgeBase
    retriever: Retriever


class LiveKnowledge:
    def __init__(self, url: str | None = None):
        self.url = url or database_url()
        self._engine: Engine | None = None
        self._served: Served | None = None
        self._lock = threading.Lock()

    def _connect(self) -> Engine | None:
        if self._engine is None:
            self._engine = existing_engine(self.url)
        return self._engine

    def revision(self) -> int | None:
        """The database's served-content revision, or None when there is no seeded database."""
        engine = self._connect()
        if engine is None:
            return None
        try:
            with engine.connect() as connection:
                return connection.scalar(select(KbRevision.counter).where(KbRevision.id == 1))
        except (OperationalError, ProgrammingError):  # database not migrated yet
            return None

    def _load(self, revision: int | None) -> KnowledgeBase:
        if not revision:
            return load_knowledge_base()
        with Session(self._engine) as session:
            entries = [to_entry(row.published) for row in published_rows(session)]
            issues = [
                GuideIssue(issue=row.issue, theme=row.theme, topic=row.topic)
                for row in session.scalars(select(GuideIssueRow).order_by(GuideIssueRow.issue))
            ]
        return KnowledgeBase(entries=entries, issues=issues)

    def _build(self, revision: int | None) -> Served:
        kb = self._load(revision)
        if self._served is None:
            return Served(revision, kb, Retriever(kb.entries))
        return Served(revision, kb, self._served.retriever.updated(kb.entries))

    def current(self) -> Served:
        """The knowledge base and retriever for the database's current revision."""
        revision = self.revision()
        with self._lock:
            if self._served is None or self._served.revision != revision:
                self._served = self._build(revision)
            return self._served
