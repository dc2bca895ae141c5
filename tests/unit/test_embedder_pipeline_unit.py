"""The real embedder and the Retriever over a handful of entries, with its index cached under tmp_path."""
from __future__ import annotations

import numpy as np
import pytest

from knowledge_base.retrieval.embedder import get_embedder
from knowledge_base.retrieval.pipeline import Retriever
from knowledge_base.schema import Entry


@pytest.fixture(scope="module")
def embedder():
    return get_embedder()


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to encode."""

    def __init__(self, inner):
        self.inner = inner
        self.model_name = inner.model_name
        self.dimension = inner.dimension
        self.encoded: list[str] = []

    def encode(self, texts, **kwargs):
        self.encoded.extend(texts)
        return self.inner.encode(texts, **kwargs)


@pytest.fixture
def entries(faq_entries, guide_item) -> list[Entry]:
    guide = {**guide_item, "collection": "guide", "area": "enterprise_risk", "issue": 1, "item": 1}
    return [Entry.model_validate({**raw, "collection": "faq"}) for raw in faq_entries] + [Entry.model_validate(guide)]


def test_embedder_gives_unit_vectors(embedder):
    vectors = embedder.encode(["老板拖欠工资怎么办", "公司一直不给我发工资", "今天天气很好，适合去公园散步"])
    assert vectors.shape == (3, 512) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


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


def test_retriever_filters(embedder, entries, tmp_path):
    retriever = Retriever(entries, embedder=embedder, index_dir=tmp_path)
    guide_only = retriever.search("员工不签劳动合同", collection="guide", k=5)
    assert [hit.entry.id for hit in guide_only.hits] == ["guide-01-1"]
    elderly = retriever.search("老板拖欠工资怎么办", areas={"elderly_services"}, k=5)
    assert elderly.hits and {hit.entry.area.value for hit in elderly.hits} == {"elderly_services"}
    with pytest.raises(ValueError):
        retriever.search("工资", mode="magic")


def test_retriever_reuses_and_rebuilds_its_cached_index(embedder, entries, tmp_path):
    first = CountingEmbedder(embedder)
    Retriever(entries, embedder=first, index_dir=tmp_path)
    rows = [text for entry in entries for text in dict.fromkeys([entry.title, *entry.questions])]
    assert sorted(first.encoded) == sorted(rows)

    second = CountingEmbedder(embedder)
    cached = Retriever(entries, embedder=second, index_dir=tmp_path)
    assert second.encoded == []
    assert cached.search("子女不管老人", k=1).best.entry.id == "elderly-support"
    assert second.encoded == ["子女不管老人"]

    changed = entries[1].model_copy(update={"questions": [*entries[1].questions, "父母生病了儿女不来照顾"]})
    third = CountingEmbedder(embedder)
    Retriever([entries[0], changed, *entries[2:]], embedder=third, index_dir=tmp_path)
    faq_rows = [text for entry in [entries[0], changed, entries[2]]
                for text in dict.fromkeys([entry.title, *entry.questions])]
    assert sorted(third.encoded) == sorted(faq_rows)  # the FAQ index is rebuilt, the guide index reused
