"""The action server's knowledge base and retriever: the served entries, refreshed when staff publish or archive."""

from __future__ import annotations

from knowledge_base.loader import KnowledgeBase
from knowledge_base.retrieval.pipeline import Retriever
from knowledge_base.store.live import LiveKnowledge

_live = LiveKnowledge()


def knowledge_base() -> KnowledgeBase:
    return _live.current().kb


def retriever() -> Retriever:
    return _live.current().retriever
