"""The real embedders (USE and the packaged E5) and the Retriever over a handful of entries, index cached under tmp_path."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge_base.retrieval.embedder import E5_MODEL, get_embedder, get_second_embedder
from knowledge_base.retrieval.fusion import RRF_K
from knowledge_base.retrieval.pipeline import LISTS, SEARCH_MODES, Retriever
from knowledge_base.schema import Collection, Entry


@pytest.fixture(scope="module")
def embedder():
    return get_embedder()


@pytest.fixture(scope="module")
def e5():
    return get_embedder(E5_MODEL)


class CountingEmbedder:
    """A real embedder, counting the indexed texts and the queries it is asked to encode."""

    def __init__(self, inner):
        self.inner = inner
        self.model_name = inner.model_name
        self.dimension = inner.dimension
        self.encoded: list[str] = []
        self.queries: list[str] = []

    def encode(self, texts, **kwargs):
        self.encoded.extend(texts)
        return self.inner.encode(texts, **kwargs)

    def encode_queries(self, texts):
        self.queries.extend(texts)
        return self.inner.encode_queries(texts)


@pytest.fixture
def entries(faq_entries, guide_item) -> list[Entry]:
    guide = {**guide_item, "collection": "guide", "area": "enterprise_risk", "issue": 1, "item": 1}
    return [Entry.model_validate({**raw, "collection": "faq"}) for raw in faq_entries] + [Entry.model_validate(guide)]


def dense_rows(entries: list[Entry]) -> list[str]:
    return [text for entry in entries for text in dict.fromkeys([entry.title, *entry.questions])]


def test_embedder_gives_unit_vectors(embedder):
    vectors = embedder.encode(["老板拖欠工资怎么办", "公司一直不给我发工资", "今天天气很好，适合去公园散步"])
    assert vectors.shape == (3, 512) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2
    assert np.allclose(embedder.encode_queries(["老板拖欠工资怎么办"]), vectors[:1], atol=1e-5)


def test_second_embedder_is_the_packaged_e5_with_prefixes(e5):
    assert get_second_embedder() is e5 and e5.dimension == 384
    texts = ["老板拖欠工资怎么办", "公司一直不给我发工资", "今天天气很好，适合去公园散步"]
    passages, queries = e5.encode(texts), e5.encode_queries(texts)
    for vectors in (passages, queries):
        assert vectors.shape == (3, 384) and vectors.dtype == np.float32
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert not np.allclose(passages, queries, atol=1e-3)  # "query: " and "passage: " differ
    assert queries[1] @ passages[0] > queries[1] @ passages[2] + 0.05
    assert np.allclose(e5.encode(texts, batch_size=2), passages, atol=1e-5)
    assert e5.encode([]).shape == (0, 384) and e5.encode_queries([]).shape == (0, 384)


def test_retriever_finds_the_right_entry(embedder, entries, tmp_path):
    retriever = Retriever(entries, embedder=embedder, index_dir=tmp_path)
    result = retriever.search("单位三个月没给我发工资了，怎么办", k=5)
    assert result.best.entry.id == "wage-unpaid"
    assert result.best.dense == pytest.approx(max(hit.dense for hit in result.hits))
    assert result.best.matched_question in entries[0].questions + [entries[0].title]
    assert [hit.score for hit in result.hits] == sorted((hit.score for hit in result.hits), reverse=True)
    assert retriever.search("我想申请免费的律师帮忙", k=1).best.entry.id == "legal-aid-apply"
    assert retriever.entry("guide-01-1") is entries[3]
    assert retriever.search("   ").hits == []


def test_hits_keep_every_list_score(embedder, entries, tmp_path):
    retriever = Retriever(entries, embedder=embedder, index_dir=tmp_path)
    best = retriever.search("公司一直拖欠工资不发", collection="faq", k=3).best
    assert best.entry.id == "wage-unpaid"
    assert set(best.ranks) == set(LISTS) and best.ranks["dense"] == 1
    assert 0 < best.second_dense <= 1 and 0 < best.answer_dense <= 1 and best.keyword > 0
    assert best.score == best.fused == pytest.approx(sum(1 / (RRF_K + rank) for rank in best.ranks.values()))
    assert set(best.scores) == {"dense", "second_dense", "answer_dense", "keyword", "fused"}
    for mode in SEARCH_MODES:
        hits = retriever.search("公司一直拖欠工资不发", collection="faq", k=3, mode=mode).hits
        assert hits and hits[0].entry.id == "wage-unpaid", mode


def test_second_model_can_be_switched_off(embedder, entries, tmp_path, monkeypatch):
    monkeypatch.setenv("FARUN_SECOND_EMBEDDING_MODEL", "off")
    assert get_second_embedder() is None
    retriever = Retriever(entries, embedder=embedder, index_dir=tmp_path)
    assert retriever.second_embedder is None
    assert all(index.second is None and index.answers is None for index in retriever.collections.values())
    best = retriever.search("单位三个月没给我发工资了，怎么办", k=5).best
    assert best.entry.id == "wage-unpaid" and best.second_dense == 0.0 and "second" not in best.ranks
    with pytest.raises(ValueError):
        retriever.search("工资", mode="second")


def test_retriever_filters(embedder, entries, tmp_path):
    retriever = Retriever(entries, embedder=embedder, index_dir=tmp_path)
    guide_only = retriever.search("员工不签劳动合同", collection="guide", k=5)
    assert [hit.entry.id for hit in guide_only.hits] == ["guide-01-1"]
    elderly = retriever.search("老板拖欠工资怎么办", areas={"elderly_services"}, k=5)
    assert elderly.hits and {hit.entry.area.value for hit in elderly.hits} == {"elderly_services"}
    with pytest.raises(ValueError):
        retriever.search("工资", mode="magic")


def test_retriever_reuses_and_rebuilds_its_cached_index(embedder, e5, entries, tmp_path):
    first, first_e5 = CountingEmbedder(embedder), CountingEmbedder(e5)
    Retriever(entries, embedder=first, index_dir=tmp_path, second_embedder=first_e5)
    rows = dense_rows(entries)
    assert sorted(first.encoded) == sorted(rows)
    assert sorted(first_e5.encoded) == sorted(rows + [entry.answer_text or entry.risk for entry in entries])

    second, second_e5 = CountingEmbedder(embedder), CountingEmbedder(e5)
    cached = Retriever(entries, embedder=second, index_dir=tmp_path, second_embedder=second_e5)
    assert second.encoded == [] and second_e5.encoded == []
    assert cached.search("子女不管老人", k=1).best.entry.id == "elderly-support"
    assert second.queries == ["子女不管老人"] and second_e5.queries == ["子女不管老人"]

    changed = entries[1].model_copy(update={"questions": [*entries[1].questions, "父母生病了儿女不来照顾"]})
    third, third_e5 = CountingEmbedder(embedder), CountingEmbedder(e5)
    Retriever([entries[0], changed, *entries[2:]], embedder=third, index_dir=tmp_path, second_embedder=third_e5)
    faq = [entries[0], changed, entries[2]]
    assert sorted(third.encoded) == sorted(dense_rows(faq))  # the FAQ index is rebuilt, the guide index reused
    assert sorted(third_e5.encoded) == sorted(dense_rows(faq))  # the answers did not change: their index is reused
    assert sorted(p.name for p in (tmp_path / "faq").iterdir()) == sorted([embedder.model_name, e5.model_name])


def test_a_truncated_index_cache_is_rebuilt_from_the_entries(embedder, entries, tmp_path):
    """What a kill during a write used to leave: half of dense.faiss next to a complete dense.json."""
    Retriever(entries, embedder=embedder, index_dir=tmp_path, second_embedder=None)
    cached = tmp_path / "faq" / embedder.model_name / "dense.faiss"
    whole = cached.read_bytes()
    cached.write_bytes(whole[: len(whole) // 2])
    counting = CountingEmbedder(embedder)
    rebuilt = Retriever(entries, embedder=counting, index_dir=tmp_path, second_embedder=None)
    assert sorted(counting.encoded) == sorted(dense_rows([e for e in entries if e.collection.value == "faq"]))
    assert rebuilt.search("子女不管老人", k=1).best.entry.id == "elderly-support"
    assert cached.read_bytes() == whole  # written again, whole


def test_updated_embeds_only_new_texts_with_both_models(embedder, e5, entries):
    primary, second = CountingEmbedder(embedder), CountingEmbedder(e5)
    previous = Retriever(entries, embedder=primary, index_dir=None, second_embedder=second)
    primary.encoded.clear()
    second.encoded.clear()

    same = previous.updated(list(entries))
    assert same.collections == previous.collections and primary.encoded == second.encoded == []
    assert all(same.collections[c] is previous.collections[c] for c in previous.collections)

    new_question = "父母生病了儿女不来照顾"
    changed = entries[1].model_copy(
        update={
            "questions": [*entries[1].questions, new_question],
            "answer_text": entries[1].answer + "也可以向法院起诉。",
        }
    )
    updated = previous.updated([entries[0], changed, entries[2], entries[3]])
    assert primary.encoded == [new_question]
    assert sorted(second.encoded) == sorted([new_question, changed.answer_text])
    assert updated.collections[Collection.GUIDE] is previous.collections[Collection.GUIDE]
    assert updated.embedder is primary and updated.second_embedder is second
    best = updated.search(new_question, collection="faq", k=1).best
    assert best.entry is changed and best.dense == pytest.approx(1.0, abs=1e-4)
    assert best.second_dense > 0.8
    # the previous retriever still serves the old entries
    assert previous.search(new_question, collection="faq", k=1).best.entry is entries[1]

    dropped = updated.updated([entries[0], entries[3]])
    assert sorted(dropped.collections[Collection.FAQ].entries) == ["wage-unpaid"]
    assert primary.encoded == [new_question]  # nothing new to embed
    assert dropped.search("老板拖欠工资怎么办", collection="faq", k=5).best.entry.id == "wage-unpaid"
