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

import copy
import threading
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from knowledge_base.loader import KnowledgeBase, load_knowledge_base
from knowledge_base.retrieval.embedder import Embedder
from knowledge_base.retrieval.pipeline import CollectionIndex, Retriever
from knowledge_base.schema import Entry, GuideIssue
from knowledge_base.settings import database_url
from knowledge_base.store.db import existing_engine
from knowledge_base.store.export import published_rows
from knowledge_base.store.models import GuideIssueRow, KbRevision
from knowledge_base.store.records import to_entry


class ReusingEmbedder:
    """Embeds index texts, reusing the vectors of texts that were already indexed."""

    def __init__(self, base: Embedder, vectors: dict[str, np.ndarray]):
        self.model_name = base.model_name
        self.dimension = base.dimension
        self.base = base
        self.vectors = vectors

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        missing = [text for text in dict.fromkeys(texts) if text not in self.vectors]
        if missing:
            self.vectors.update(zip(missing, self.base.encode(missing, batch_size=batch_size, progress=progress)))
        return np.stack([self.vectors[text] for text in texts]) if texts else np.zeros((0, self.dimension), np.float32)


def indexed_vectors(retriever: Retriever) -> dict[str, np.ndarray]:
    """Every indexed text with its vector, read back from the FAISS indexes."""
    vectors: dict[str, np.ndarray] = {}
    for index in retriever.collections.values():
        total = index.dense.index.ntotal
        if total:
            stored = index.dense.index.reconstruct_n(0, total)
            vectors.update((text, stored[row]) for row, (_, text) in enumerate(index.rows))
    return vectors


def rebuilt(previous: Retriever, entries: list[Entry]) -> Retriever:
    """A retriever over ``entries`` that keeps ``previous``'s index of every collection whose entries are unchanged."""
    reusing = ReusingEmbedder(previous.embedder, indexed_vectors(previous))
    retriever = copy.copy(previous)
    retriever.collections = {}
    for collection, index in previous.collections.items():
        members = [entry for entry in entries if entry.collection is collection]
        unchanged = list(index.entries.values()) == members
        retriever.collections[collection] = (
            index if unchanged else CollectionIndex.build(members, reusing, index.dense.kind, cache_dir=None)
        )
    return retriever


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
        return Served(revision, kb, rebuilt(self._served.retriever, kb.entries))

    def current(self) -> Served:
        """The knowledge base and retriever for the database's current revision."""
        revision = self.revision()
        with self._lock:
            if self._served is None or self._served.revision != revision:
                self._served = self._build(revision)
            return self._served
