"""The action server's knowledge base and retriever, loaded once per process."""
from __future__ import annotations

from functools import lru_cache

from knowledge_base.loader import load_knowledge_base
from knowledge_base.retrieval.pipeline import Retriever


@lru_cache(maxsize=1)
def retriever() -> Retriever:
    return Retriever(load_knowledge_base().entries)
