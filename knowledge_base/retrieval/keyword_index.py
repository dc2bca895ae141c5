"""BM25 keyword retrieval over jieba tokens (the ``bm25s`` library)."""

from __future__ import annotations

import bm25s
import numpy as np

from knowledge_base.retrieval.tokenizer import tokenize


class KeywordIndex:
    def __init__(self, documents: list[str], labels: list[str]):
        if len(documents) != len(labels):
            raise ValueError("one label per document")
        self.labels = labels
        self.bm25 = bm25s.BM25()
        self._vocab: set[str] = set()
        if documents:  # bm25s cannot index nothing: an empty collection (no guide items yet) finds nothing
            self.bm25.index([tokenize(doc) or [""] for doc in documents], show_progress=False)
            self._vocab = set(self.bm25.vocab_dict)

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """The ``k`` best documents as (row, BM25 score), best first; none for a query with no known word."""
        tokens = [token for token in tokenize(query) if token in self._vocab]
        if not tokens:
            return []
        scores = self.bm25.get_scores(tokens)
        top = np.argsort(-scores)[:k]
        return [(int(row), float(scores[row])) for row in top if scores[row] > 0]
