"""Retrieval-first routing: the asker's side, the area prior, one fusion across collections, and each decision rule."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from actions import routing
from knowledge_base.retrieval.abstain import AbstainPolicy
from knowledge_base.schema import Area, Side


@dataclass
class FakeEntry:
    id: str
    area: Area
    side: Side
    title: str = ""


@dataclass
class FakeHit:
    entry: FakeEntry
    dense: float
    keyword: float = 0.0
    second_dense: float = 0.0
    answer_dense: float = 0.0
    ranks: dict = field(default_factory=dict)


WORKER = FakeEntry("labour-social-insurance", Area.WAGE_ARREARS, Side.WORKER)
EMPLOYER = FakeEntry("guide-07-1", Area.ENTERPRISE_RISK, Side.EMPLOYER)
ELDERLY = FakeEntry("elderly-support", Area.ELDERLY_SERVICES, Side.OLDER_PERSON)
OTHER = FakeEntry("other-divorce", Area.OTHER_TOPICS, Side.FAMILY)
AID = FakeEntry("legalsvc-aid-apply", Area.LEGAL_SERVICES, Side.ANY)
POLICY = AbstainPolicy(threshold=0.5, margin=0.03)


@pytest.fixture(autouse=True)
def threshold_policy(monkeypatch):
    """These rules are about ranking: decide by the raw threshold unless a test installs a calibration."""
    monkeypatch.setenv("FARUN_ABSTAIN", "threshold")


def ranking(*pairs: tuple[str, float]) -> list[dict]:
    return [{"name": name, "confidence": confidence} for name, confidence in pairs]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("公司三年没给我交社保能要补偿吗", Side.WORKER),
        ("我在厂里干了两年老板一直拖着不发工资现在说没钱让我等着", Side.WORKER),
        ("我爸在工地干活摔伤了包工头不管", Side.WORKER),
        ("我们公司员工旷工三天能直接开除吗", Side.EMPLOYER),
        ("我是老板，想辞退一个老是迟到的员工要给补偿吗", Side.EMPLOYER),
        ("开了个小饭店招人要不要签合同", Side.EMPLOYER),
    ],
)
def test_the_words_tell_the_askers_side(text, expected):
    assert routing.asker_side(text, ranking(("enterprise_risk", 0.6), ("wage_arrears", 0.4))) is expected


def test_without_cues_the_top_topical_intent_decides_and_an_unplaced_question_has_no_side():
    assert routing.asker_side("社保的事怎么弄", ranking(("wage_arrears", 0.7), ("greet", 0.2))) is Side.WORKER
    assert routing.asker_side("社保的事怎么弄", ranking(("enterprise_risk", 0.7))) is Side.EMPLOYER
    assert routing.asker_side("我妈的养老钱怎么办", ranking(("elderly_services", 0.9))) is Side.OLDER_PERSON
    assert routing.asker_side("嗯嗯", ranking(("greet", 0.9))) is None


def test_area_prior_sums_the_intents_of_each_area():
    prior = routing.area_prior(ranking(("legal_services", 0.3), ("legal_aid_check", 0.2), ("greet", 0.5)))
    assert prior == {Area.LEGAL_SERVICES: pytest.approx(0.5)}


def test_global_fusion_ranks_across_collections_by_every_list():
    first = FakeHit(WORKER, dense=0.70, keyword=3.0, second_dense=0.85)
    second = FakeHit(EMPLOYER, dense=0.72, keyword=1.0, second_dense=0.80)
    fused = routing.global_fusion([second, first])
    assert [c.entry.id for c in fused] == [WORKER.id, EMPLOYER.id]  # first in two of three lists
    assert fused[0].fused > fused[1].fused > 0


def test_rerank_prefers_the_askers_side_and_the_nlus_area():
    candidates = routing.global_fusion([FakeHit(EMPLOYER, 0.75, 2.0), FakeHit(WORKER, 0.70, 1.0)])
    assert routing.rerank(candidates, {}, Side.WORKER)[0].entry is WORKER
    candidates = routing.global_fusion([FakeHit(EMPLOYER, 0.75, 2.0), FakeHit(WORKER, 0.70, 1.0)])
    assert routing.rerank(candidates, {}, Side.EMPLOYER)[0].entry is EMPLOYER
    candidates = routing.global_fusion([FakeHit(ELDERLY, 0.75, 2.0), FakeHit(AID, 0.70, 1.0)])
    assert routing.rerank(candidates, {Area.LEGAL_SERVICES: 1.0}, None)[0].entry is AID


def test_a_worker_asking_about_social_insurance_gets_the_worker_entry():
    hits = [FakeHit(EMPLOYER, 0.80, 5.0, 0.9), FakeHit(WORKER, 0.74, 4.0, 0.88)]
    decision = routing.decide("公司三年没给我交社保能要补偿吗", ranking(("enterprise_risk", 0.9)), hits, POLICY)
    assert (decision.kind, decision.entries[0], decision.side) == ("answer", WORKER, Side.WORKER)


def test_an_employer_asking_gets_the_employer_entry():
    hits = [FakeHit(WORKER, 0.80, 5.0, 0.9), FakeHit(EMPLOYER, 0.74, 4.0, 0.88)]
    decision = routing.decide("我们公司员工不交社保签了承诺书有用吗", ranking(("wage_arrears", 0.9)), hits, POLICY)
    assert decision.entries[0] is EMPLOYER


def test_with_the_side_unclear_the_residents_entry_is_answered_first():
    hits = [FakeHit(EMPLOYER, 0.80, 5.0, 0.9), FakeHit(WORKER, 0.70, 1.0, 0.7)]
    decision = routing.decide("社保断缴有什么后果", [], hits, POLICY)
    assert decision.kind == "answer" and decision.entries[0] is WORKER


def test_below_the_threshold_it_abstains_with_the_candidates():
    decision = routing.decide("随便问问", [], [FakeHit(WORKER, 0.40, 1.0)], POLICY)
    assert decision.kind == "abstain" and [c.entry for c in decision.candidates] == [WORKER]
    assert routing.decide("随便问问", [], [], POLICY).kind == "abstain"


def test_close_entries_are_offered_up_to_three():
    hits = [FakeHit(WORKER, 0.70, 1.0), FakeHit(ELDERLY, 0.69, 2.0), FakeHit(AID, 0.68, 0.5)]
    decision = routing.decide("怎么办", [], hits, POLICY)
    assert decision.kind == "did_you_mean" and len(decision.entries) == 3


def test_an_out_of_scope_question_is_referred_unless_a_topical_entry_is_clearly_right():
    hits = [FakeHit(WORKER, 0.55, 1.0), FakeHit(OTHER, 0.52, 1.0)]
    decision = routing.decide("离婚孩子归谁", ranking(("out_of_scope", 0.9)), hits, POLICY)
    assert decision.kind == "referral" and decision.entries == [OTHER]
    clear = routing.decide("包工头欠我工钱跑了", ranking(("out_of_scope", 0.6)), [FakeHit(WORKER, 0.9, 4.0)], POLICY)
    assert clear.kind == "answer" and clear.entries == [WORKER]


def test_an_answer_carries_related_entries_of_its_area():
    other_worker = FakeEntry("labour-injury", Area.WAGE_ARREARS, Side.WORKER)
    hits = [FakeHit(WORKER, 0.9, 5.0), FakeHit(EMPLOYER, 0.6), FakeHit(other_worker, 0.55)]
    decision = routing.decide("公司不给我交社保", ranking(("wage_arrears", 0.9)), hits, POLICY)
    assert decision.related == [other_worker]


def test_the_intent_gate_and_side_awareness_can_be_switched_off_for_ablations(monkeypatch):
    monkeypatch.setenv("FARUN_ROUTING", "intent")
    monkeypatch.setenv("FARUN_SIDE_AWARE", "0")
    assert routing.routing_mode() == "intent" and not routing.side_aware()
    hits = [FakeHit(EMPLOYER, 0.80, 5.0, 0.9), FakeHit(WORKER, 0.74, 4.0, 0.88)]
    assert routing.decide("我们公司员工社保", [], hits, POLICY).side is None


def test_the_calibrated_model_decides_answer_offer_or_abstain(monkeypatch):
    from knowledge_base.retrieval.calibration import FEATURES, Calibration

    calibration = Calibration(
        weights=dict.fromkeys(FEATURES, 0.0) | {"top_dense": 10.0}, bias=-6.0, answer_at=0.8, offer_at=0.3
    )
    monkeypatch.setenv("FARUN_ABSTAIN", "calibrated")
    monkeypatch.setattr(routing, "default_calibration", lambda: calibration)
    other = FakeEntry("labour-injury", Area.WAGE_ARREARS, Side.WORKER)
    sure = [FakeHit(WORKER, 0.9, 3.0), FakeHit(other, 0.6)]  # p = 0.95
    middle = [FakeHit(WORKER, 0.65, 3.0), FakeHit(other, 0.6)]  # p = 0.62
    unsure = [FakeHit(WORKER, 0.45, 3.0), FakeHit(other, 0.4)]  # p = 0.18
    text, nlu = "公司不给我交社保", ranking(("wage_arrears", 0.9))
    assert routing.decide(text, nlu, sure, POLICY).kind == "answer"
    offer = routing.decide(text, nlu, middle, POLICY)
    assert offer.kind == "did_you_mean" and offer.entries == [WORKER, other]
    assert routing.decide(text, nlu, unsure, POLICY).kind == "abstain"
