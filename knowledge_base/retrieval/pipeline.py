"""The retriever: embed, search FAISS and BM25 per collection, fuse, and judge confidence.

Dense rows are every question phrasing (and the title) of each entry; keyword
documents are each entry's title, questions, tags and answer. Per collection
the two rankings are fused with reciprocal-rank fusion; each hit keeps its
dense similarity (the confidence the abstain policy judges) and BM25 score.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from knowledge_base.retrieval.abstain import AbstainPolicy
from knowledge_base.retrieval.dense_index import DenseIndex
from knowledge_base.retrieval.embedder import Embedder, get_embedder
from knowledge_base.retrieval.fusion import reciprocal_rank_fusion
from knowledge_base.retrieval.keyword_index import KeywordIndex
from knowledge_base.schema import Collection, Entry

INDEX_DIR = Path(os.environ.get("FARUN_DATA_DIR", Path(__file__).resolve().parents[2] / "var")) / "index"
CANDIDATES = 50
MODES = ("fused", "dense", "keyword")


@dataclass
class Hit:
    entry: Entry
    score: float
    dense: float = 0.0
    keyword: float = 0.0
    matched_question: str = ""


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    confident: bool
    ambiguous: bool

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None


def _dense_texts(entry: Entry) -> list[str]:
    return list(dict.fromkeys([entry.title, *entry.questions]))


def _keyword_text(entry: Entry) -> str:
    return " ".join([entry.title, *entry.questions, *entry.tags, entry.answer])


def content_hash(entries: list[Entry], model_name: str, kind: str) -> str:
    payload = [model_name, kind, *[[e.id, _dense_texts(e)] for e in entries]]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


@dataclass
class CollectionIndex:
    """Dense and keyword indexes over the entries of one collection."""

    entries: dict[str, Entry]
    dense: DenseIndex
    keyword: KeywordIndex
    rows: list[tuple[str, str]] = field(default_factory=list)  # (entry id, text) per dense row

    @classmethod
    def build(cls, entries: list[Entry], embedder: Embedder, kind: str, cache_dir: Path | None) -> "CollectionIndex":
        rows = [(entry.id, text) for entry in entries for text in _dense_texts(entry)]
        digest = content_hash(entries, embedder.model_name, kind)
        dense = DenseIndex.load(cache_dir, digest) if cache_dir else None
        if dense is None:
            dense = DenseIndex(embedder.dimension, kind)
            if rows:
                dense.add(embedder.encode([text for _, text in rows], progress=len(rows) > 2000),
                          [entry_id for entry_id, _ in rows])
            if cache_dir:
                dense.save(cache_dir, digest)
        keyword = KeywordIndex([_keyword_text(e) for e in entries], [e.id for e in entries])
        return cls({e.id: e for e in entries}, dense, keyword, rows)

    def rank(self, vector, query: str, mode: str = "fused") -> list[Hit]:
        best_dense: dict[str, tuple[float, str]] = {}
        for row, score in self.dense.search(vector, CANDIDATES * 4):
            entry_id, text = self.rows[row]
            if entry_id not in best_dense:
                best_dense[entry_id] = (score, text)
        keyword_scores = {self.keyword.labels[row]: score for row, score in self.keyword.search(query, CANDIDATES)}
        dense_ranking = list(best_dense)[:CANDIDATES]
        keyword_ranking = list(keyword_scores)
        if mode == "dense":
            fused = [(i, best_dense[i][0]) for i in dense_ranking]
        elif mode == "keyword":
            fused = [(i, keyword_scores[i]) for i in keyword_ranking]
        else:
            fused = reciprocal_rank_fusion([dense_ranking, keyword_ranking])
        return [Hit(entry=self.entries[i], score=score,
                    dense=best_dense.get(i, (0.0, ""))[0], keyword=keyword_scores.get(i, 0.0),
                    matched_question=best_dense.get(i, (0.0, ""))[1]) for i, score in fused]


class Retriever:
    """Hybrid search over the knowledge base, one index per collection."""

    def __init__(self, entries: list[Entry], embedder: Embedder | None = None,
                 policy: AbstainPolicy | None = None, index_dir: Path | None = INDEX_DIR,
                 kind: str | None = None):
        self.embedder = embedder or get_embedder()
        self.policy = policy or AbstainPolicy()
        kind = kind or os.environ.get("FARUN_INDEX_KIND", "flat")
        self.collections: dict[Collection, CollectionIndex] = {}
        for collection in Collection:
            members = [e for e in entries if e.collection is collection]
            cache = index_dir / collection.value if index_dir else None
            self.collections[collection] = CollectionIndex.build(members, self.embedder, kind, cache)

    def entry(self, entry_id: str) -> Entry | None:
        for index in self.collections.values():
            if entry_id in index.entries:
                return index.entries[entry_id]
        return None

    def search(self, query: str, collection: Collection | str | None = None, k: int = 5,
               areas: set[str] | None = None, mode: str = "fused") -> SearchResult:
        """The ``k`` best entries for ``query``; ``areas`` keeps only entries of those areas."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        query = query.strip()
        wanted = [Collection(collection)] if collection else list(Collection)
        hits: list[Hit] = []
        if query:
            vector = self.embedder.encode([query])[0]
            for name in wanted:
                hits.extend(self.collections[name].rank(vector, query, mode))
        if areas:
            hits = [hit for hit in hits if hit.entry.area.value in areas]
        # Fusion scores are only comparable within a collection; across collections rank by cosine.
        hits.sort(key=(lambda hit: hit.score) if len(wanted) == 1 else (lambda hit: hit.dense), reverse=True)
        hits = hits[:k]
        confidences = [hit.dense for hit in hits]
        return SearchResult(query=query, hits=hits, confident=self.policy.confident(confidences),
                            ambiguous=self.policy.ambiguous(confidences, [hit.keyword for hit in hits]))
