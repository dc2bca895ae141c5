"""Quality floors on the project's own labelled sets (deterministic), and the eval metrics' behaviour.

Retrieval floors run in-process; routing floors need the trained Rasa model
served on loopback and are marked e2e. Floors sit a little below the figures
``make eval`` measured, so a regression fails here.
"""

from __future__ import annotations

import json

import pytest

from api.evaluation import abstention, retrieval_eval, routing

# The FAQ collection grew by ~210 situation entries in December 2026; in-process search has no NLU and no
# asker's side, so an employer-side entry on the same point often outranks the worker's (most of the FAQ misses
# at 3). The paraphrase labels list a new entry only where it answers the paraphrase as well (13 added). The FAQ
# floor stays below the old figure until side-aware ranking is part of the in-process measure.
FUSED_HIT3_FLOOR = {"faq": 0.76, "guide": 0.83, "all": 0.80}
ROUTING_ACCURACY_FLOOR = 0.88
ROUTING_MACRO_F1_FLOOR = 0.88
OTHER_LEGAL_REFERRED_FLOOR = 0.80


@pytest.fixture(scope="module")
def outcomes(retriever):
    return retrieval_eval.run(retriever, retrieval_eval.load_paraphrases())


def test_fused_retrieval_meets_its_floor_per_collection(outcomes):
    summary = retrieval_eval.summarise(outcomes)
    for group, floor in FUSED_HIT3_FLOOR.items():
        assert summary[group]["fused"]["hit@3"] >= floor, (group, summary[group]["fused"])


def test_fusion_ranks_better_than_either_ranking_alone(outcomes):
    summary = retrieval_eval.summarise(outcomes)["all"]
    assert summary["fused"]["mrr"] > max(summary["dense"]["mrr"], summary["keyword"]["mrr"])


def test_abstention_coverage_falls_as_the_threshold_rises(outcomes):
    points = abstention.curve(outcomes)["points"]
    coverage = [p["coverage"] for p in points]
    assert coverage == sorted(coverage, reverse=True)
    assert coverage[0] == 1.0


def test_routing_scores_count_a_referral_and_an_unrelated_answer():
    gold = ["wage_arrears", "other_legal", "other_legal", "chitchat_or_noise"]
    metrics = routing.score(gold, ["wage_arrears", "out_of_scope", "elderly_services", "greet"])
    assert metrics["accuracy"] == 0.75
    assert metrics["other_legal"] == {
        "n": 2,
        "referred": 0.5,
        "answered_unrelated": 0.5,
        "intents": {"out_of_scope": 1, "elderly_services": 1},
    }
    assert metrics["per_area"]["elderly_services"]["precision"] == 0.0
    assert metrics["confusion"]["matrix"][3][1] == 1


def test_a_bad_labelled_line_is_named(tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text(
        json.dumps({"text": "你好", "area": "chitchat_or_noise"})
        + "\n"
        + json.dumps({"text": "欠薪", "area": "wages"})
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"set.jsonl:2"):
        routing.load_labelled(path)


def test_the_project_routing_set_is_balanced_and_new():
    rows = routing.load_labelled(routing.DEFAULT_FILE)
    per_area = {area: sum(r["area"] == area for r in rows) for area in routing.AREAS}
    assert min(per_area.values()) >= 24 and len(rows) >= 120
    assert len({r["text"] for r in rows}) == len(rows)


@pytest.mark.e2e
def test_routing_on_the_project_set_meets_its_floor():
    metrics, _ = routing.evaluate()
    assert metrics["accuracy"] >= ROUTING_ACCURACY_FLOOR, metrics
    assert metrics["macro_f1"] >= ROUTING_MACRO_F1_FLOOR, metrics
    assert metrics["other_legal"]["referred"] >= OTHER_LEGAL_REFERRED_FLOOR, metrics["other_legal"]
    assert metrics["unmapped_intents"] == []
