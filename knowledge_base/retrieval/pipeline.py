"""The retriever: embed, search FAISS (two models) and BM25 per collection, fuse, and judge confidence.

Dense rows are every question phrasing (and the title) of each entry, indexed
once per embedding model: the primary model (USE) and, unless switched off,
the second (E5). The second model also indexes each entry's answer text as
one more row (``FARUN_INDEX_ANSWERS``, on by default): long, story-like
questions often share more with the answer than with any short phrasing
(on the paraphrase set this list lifted hit@1 from 0.75 to 0.78).
Keyword documents are each entry's title, questions, tags and answer. Per
collection the four rankings (primary dense, second dense, answer dense,
BM25) are fused with reciprocal-rank fusion; each hit keeps its score in every
list (primary cosine — the confidence the abstain policy judges —, second
cosine, answer cosine, BM25, fused) and its rank in each, for a calibrated
abstain model.

``Retriever.updated`` gives a retriever over changed entries that keeps the
indexes of unchanged collections and embeds only texts neither model has
embedded before.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from knowledge_base.retrieval.abstain import AbstainPolicy
from knowledge_base.retrieval.dense_index import DenseIndex
from knowledge_base.retrieval.embedder import (
    ReusingEmbedder,
    TextEmbedder,
    encode_queries,
    get_embedder,
    get_second_embedder,
)
from knowledge_base.retrieval.fusion import reciprocal_rank_fusion
from knowledge_base.retrieval.keyword_index import KeywordIndex
from knowledge_base.schema import Collection, Entry
from knowledge_base.settings import index_dir as index_dir_setting

CANDIDATES = 50
# The ranked lists: primary dense (questions), second dense (questions), second dense (answers), BM25.
LISTS = ("dense", "second", "answer", "keyword")
MODES = ("fused", "dense", "keyword")  # the modes ``farun eval`` compares
MODE_LISTS = {
    "fused": LISTS,
    "dense": ("dense",),
    "second": ("second",),
    "answer": ("answer",),
    "keyword": ("keyword",),
    "dense_keyword": ("dense", "keyword"),
    "dense_second_keyword": ("dense", "second", "keyword"),
}
SEARCH_MODES = tuple(MODE_LISTS)
CONFIGURED = "configured"  # Retriever(...=CONFIGURED): as the environment configures it


@dataclass
class Hit:
    entry: Entry
    score: float  # what the mode ranks by: the fused RRF score, a cosine or a BM25 score
    dense: float = 0.0  # primary model's cosine to the closest phrasing (the abstain confidence)
    keyword: float = 0.0  # BM25 score (0 when the entry has no query word)
    matched_question: str = ""  # the primary model's closest phrasing
    second_dense: float = 0.0  # second model's cosine to its closest phrasing (0 when off or not a candidate)
    answer_dense: float = 0.0  # second model's cosine to the entry's answer text (0 when off or not a candidate)
    fused: float = 0.0  # RRF score over every list, whatever the mode
    ranks: dict[str, int] = field(default_factory=dict)  # 1-based rank in each list the entry is in

    @property
    def scores(self) -> dict[str, float]:
        return {
            "dense": self.dense,
            "second_dense": self.second_dense,
            "answer_dense": self.answer_dense,
            "keyword": self.keyword,
            "fused": self.fused,
        }


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


def _answer_text(entry: Entry) -> str:
    """What the answers index holds of an entry: the FAQ answer, or the guide item's risk (without the
    prevention advice and case, which matched user questions no better and cost more to embed)."""
    return entry.answer_text or entry.risk or ""


def index_answers() -> bool:
    """Whether the second model also indexes answer texts (``FARUN_INDEX_ANSWERS``, on unless 0/off/false/no)."""
    return os.environ.get("FARUN_INDEX_ANSWERS", "1").strip().lower() not in {"0", "off", "false", "no", "none"}


def _keyword_text(entry: Entry) -> str:
    return " ".join([entry.title, *entry.questions, *entry.tags, entry.answer])


def content_hash(rows: list[tuple[str, str]], model_name: str, kind: str) -> str:
    """Identifies an index: the model, the index kind and every (entry id, text) row in order."""
    payload = [model_name, kind, [list(row) for row in rows]]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


def model_dir(cache_dir: Path, model_name: str) -> Path:
    """Each model's index of a collection is cached in its own folder, so the models never evict each other."""
    return cache_dir / (re.sub(r"[^A-Za-z0-9._-]+", "_", model_name).strip("._") or "model")


def _dense_index(
    rows: list[tuple[str, str]], embedder: TextEmbedder, kind: str, cache_dir: Path | None, part: str = ""
) -> DenseIndex:
    """The index of ``rows`` for ``embedder``: loaded from ``cache_dir`` if built there from the same rows, else built.

    ``part`` names a further subfolder (``answers``) for a second index of the same model.
    """
    digest = content_hash(rows, embedder.model_name, kind)
    directory = model_dir(cache_dir, embedder.model_name) / part if cache_dir else None
    dense = DenseIndex.load(directory, digest) if directory else None
    if dense is None:
        dense = DenseIndex(embedder.dimension, kind)
        if rows:
            dense.add(
                embedder.encode([text for _, text in rows], progress=len(rows) > 2000),
                [entry_id for entry_id, _ in rows],
            )
        if directory:
            dense.save(directory, digest)
    return dense


@dataclass
class CollectionIndex:
    """Dense indexes (one per model, and answers) and a keyword index over the entries of one collection."""

    entries: dict[str, Entry]
    dense: DenseIndex  # primary model
    keyword: KeywordIndex
    rows: list[tuple[str, str]] = field(default_factory=list)  # (entry id, text) per dense row, in both indexes
    second: DenseIndex | None = None  # second model, same rows
    answers: DenseIndex | None = None  # second model, one row per entry: its answer text
    answer_rows: list[tuple[str, str]] = field(default_factory=list)  # (entry id, answer text) per answers row

    @classmethod
    def build(
        cls,
        entries: list[Entry],
        embedder: TextEmbedder,
        kind: str,
        cache_dir: Path | None,
        second_embedder: TextEmbedder | None = None,
        answers: bool | None = None,
    ) -> "CollectionIndex":
        """``answers``: index answer texts with the second model (default: ``FARUN_INDEX_ANSWERS``)."""
        rows = [(entry.id, text) for entry in entries for text in _dense_texts(entry)]
        dense = _dense_index(rows, embedder, kind, cache_dir)
        second = answer_index = None
        answer_rows: list[tuple[str, str]] = []
        if second_embedder is not None:
            second = _dense_index(rows, second_embedder, kind, cache_dir)
            if index_answers() if answers is None else answers:
                answer_rows = [(entry.id, _answer_text(entry)) for entry in entries if _answer_text(entry)]
                answer_index = _dense_index(answer_rows, second_embedder, kind, cache_dir, "answers")
        keyword = KeywordIndex([_keyword_text(e) for e in entries], [e.id for e in entries])
        return cls({e.id: e for e in entries}, dense, keyword, rows, second, answer_index, answer_rows)

    def _best_rows(self, index: DenseIndex | None, vector, rows=None) -> dict[str, tuple[float, str]]:
        """Per entry, best first: the cosine of its closest row and that row's text."""
        best: dict[str, tuple[float, str]] = {}
        if index is None or vector is None:
            return best
        rows = self.rows if rows is None else rows
        for row, score in index.search(vector, CANDIDATES * 4):
            entry_id, text = rows[row]
            if entry_id not in best:
                best[entry_id] = (score, text)
        return best

    def rank(
        self, vector, query: str, mode: str = "fused", second_vector=None, weights: dict[str, float] | None = None
    ) -> list[Hit]:
        """The collection's entries for ``query`` in ``mode`` (see ``MODE_LISTS``), best first.

        ``vector`` and ``second_vector`` are the query encoded by the primary and the
        second model; every list is searched whatever the mode, so each hit carries all its scores.
        """
        best_dense = self._best_rows(self.dense, vector)
        best_second = self._best_rows(self.second, second_vector)
        best_answer = self._best_rows(self.answers, second_vector, self.answer_rows)
        keyword_scores = {self.keyword.labels[row]: score for row, score in self.keyword.search(query, CANDIDATES)}
        rankings = {
            "dense": list(best_dense)[:CANDIDATES],
            "second": list(best_second)[:CANDIDATES],
            "answer": list(best_answer)[:CANDIDATES],
            "keyword": list(keyword_scores),
        }
        weights = weights or {}
        fused_all = dict(
            reciprocal_rank_fusion([rankings[name] for name in LISTS], [weights.get(name, 1.0) for name in LISTS])
        )
        used = MODE_LISTS[mode]
        if mode == "fused":
            ranked = sorted(fused_all.items(), key=lambda item: item[1], reverse=True)
        elif len(used) > 1:
            ranked = reciprocal_rank_fusion(
                [rankings[name] for name in used], [weights.get(name, 1.0) for name in used]
            )
        else:
            scores = {
                "dense": {i: s for i, (s, _) in best_dense.items()},
                "second": {i: s for i, (s, _) in best_second.items()},
                "answer": {i: s for i, (s, _) in best_answer.items()},
                "keyword": keyword_scores,
            }[used[0]]
            ranked = [(i, scores[i]) for i in rankings[used[0]]]
        positions = {
            name: {entry_id: rank for rank, entry_id in enumerate(ranking, 1)} for name, ranking in rankings.items()
        }
        return [
            Hit(
                entry=self.entries[i],
                score=score,
                dense=best_dense.get(i, (0.0, ""))[0],
                keyword=keyword_scores.get(i, 0.0),
                matched_question=best_dense.get(i, (0.0, ""))[1],
                second_dense=best_second.get(i, (0.0, ""))[0],
                answer_dense=best_answer.get(i, (0.0, ""))[0],
                fused=fused_all.get(i, 0.0),
                ranks={name: positions[name][i] for name in LISTS if i in positions[name]},
            )
            for i, score in ranked
        ]


def indexed_vectors(index: DenseIndex | None, rows: list[tuple[str, str]]) -> dict[str, np.ndarray]:
    """Every text of ``rows`` with its vector, read back from ``index``."""
    if index is None or not index.index.ntotal:
        return {}
    stored = index.index.reconstruct_n(0, index.index.ntotal)
    return {text: stored[row] for row, (_, text) in enumerate(rows)}


class Retriever:
    """Hybrid search over the knowledge base, one index per collection.

    ``index_dir`` caches the indexes (by default ``knowledge_base.settings.index_dir()``; None: no cache).
    ``second_embedder`` is the second dense model: by default the one
    ``FARUN_SECOND_EMBEDDING_MODEL`` configures (E5), ``None`` for none.
    ``weights`` weighs the lists (``dense``, ``second``, ``answer``, ``keyword``) in the fusion; 1 each by
    default. ``answers`` indexes answer texts with the second model (default: ``FARUN_INDEX_ANSWERS``).
    """

    def __init__(
        self,
        entries: list[Entry],
        embedder: TextEmbedder | None = None,
        policy: AbstainPolicy | None = None,
        index_dir: Path | str | None = CONFIGURED,
        kind: str | None = None,
        second_embedder: TextEmbedder | str | None = CONFIGURED,
        weights: dict[str, float] | None = None,
        answers: bool | None = None,
    ):
        self.embedder = embedder or get_embedder()
        self.second_embedder = get_second_embedder() if second_embedder == CONFIGURED else second_embedder
        self.policy = policy or AbstainPolicy()
        self.kind = kind or os.environ.get("FARUN_INDEX_KIND", "flat")
        self.weights = dict(weights or {})
        self.index_answers = index_answers() if answers is None else answers
        index_dir = index_dir_setting() if index_dir == CONFIGURED else index_dir
        self.collections: dict[Collection, CollectionIndex] = {}
        for collection in Collection:
            members = [e for e in entries if e.collection is collection]
            cache = index_dir / collection.value if index_dir else None
            self.collections[collection] = CollectionIndex.build(
                members, self.embedder, self.kind, cache, self.second_embedder, self.index_answers
            )

    def entry(self, entry_id: str) -> Entry | None:
        for index in self.collections.values():
            if entry_id in index.entries:
                return index.entries[entry_id]
        return None

    def updated(self, entries: list[Entry]) -> "Retriever":
        """A retriever over ``entries``, sharing this one's models and settings.

        Collections whose entries are unchanged keep their indexes as they are; the
        others are re-indexed, embedding with each model only the texts that no
        index of this retriever holds yet. Nothing is written to the index cache,
        and this retriever is left as it was.
        """
        retriever = copy.copy(self)
        retriever.collections = {}
        changed = {
            collection: [entry for entry in entries if entry.collection is collection]
            for collection in self.collections
        }
        changed = {
            collection: members
            for collection, members in changed.items()
            if list(self.collections[collection].entries.values()) != members
        }
        reusing_primary = reusing_second = None
        if changed:
            primary: dict[str, np.ndarray] = {}
            second: dict[str, np.ndarray] = {}
            for index in self.collections.values():
                primary.update(indexed_vectors(index.dense, index.rows))
                second.update(indexed_vectors(index.second, index.rows))
                second.update(indexed_vectors(index.answers, index.answer_rows))
            reusing_primary = ReusingEmbedder(self.embedder, primary)
            if self.second_embedder is not None:
                reusing_second = ReusingEmbedder(self.second_embedder, second)
        for collection, index in self.collections.items():
            retriever.collections[collection] = (
                CollectionIndex.build(
                    changed[collection],
                    reusing_primary,
                    index.dense.kind,
                    None,
                    reusing_second,
                    answers=self.index_answers,
                )
                if collection in changed
                else index
            )
        return retriever

    def search(
        self,
        query: str,
        collection: Collection | str | None = None,
        k: int = 5,
        areas: set[str] | None = None,
        mode: str = "fused",
    ) -> SearchResult:
        """The ``k`` best entries for ``query``; ``areas`` keeps only entries of those areas.

        ``mode`` is ``fused`` (every list) or one of ``MODE_LISTS``'s other keys (one list, or a fusion of some).
        """
        if mode not in SEARCH_MODES:
            raise ValueError(f"mode must be one of {SEARCH_MODES}")
        if mode != "fused" and {"second", "answer"} & set(MODE_LISTS[mode]) and self.second_embedder is None:
            raise ValueError(f"mode {mode!r} needs the second embedding model, which is off")
        query = query.strip()
        wanted = [Collection(collection)] if collection else list(Collection)
        hits: list[Hit] = []
        if query:
            used = MODE_LISTS[mode]
            # The primary model always runs: its cosine is the abstain confidence and ranks across collections.
            vector = encode_queries(self.embedder, [query])[0]
            second_vector = None
            if self.second_embedder is not None and {"second", "answer"} & set(used):
                second_vector = encode_queries(self.second_embedder, [query])[0]
            for name in wanted:
                hits.extend(self.collections[name].rank(vector, query, mode, second_vector, self.weights))
        if areas:
            hits = [hit for hit in hits if hit.entry.area.value in areas]
        # Fusion scores are only comparable within a collection; across collections rank by cosine.
        hits.sort(key=(lambda hit: hit.score) if len(wanted) == 1 else (lambda hit: hit.dense), reverse=True)
        hits = hits[:k]
        confidences = [hit.dense for hit in hits]
        return SearchResult(
            query=query,
            hits=hits,
            confident=self.policy.confident(confidences),
            ambiguous=self.policy.ambiguous(confidences, [hit.keyword for hit in hits]),
        )
