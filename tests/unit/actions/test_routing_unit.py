"""Retrieval-first routing: the asker's side, the area prior, one fusion across collections, and each decision rule."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from actions import routing
from knowledge_base.retrieval.abstain import AbstainPolicy
from knowledge_base.retrieval.ranker import LearnedRanker
from knowledge_base.schema import Area, Collection, Side


@dataclass
class FakeEntry:
    id: str
    area: Area
    side: Side
    title: str = ""
    collection: Collection = Collection.FAQ


@dataclass
class FakeHit:
    entry: FakeEntry
    dense: float
    keyword: float = 0.0
    second_dense: float = 0.0
    answer_dense: float = 0.0
    ranks: dict = field(default_factory=dict)


WORKER = FakeEntry("labour-social-insurance", Area.WAGE_ARREARS, Side.WORKER)
EMPLOYER = FakeEntry("guide-07-1", Area.ENTERPRISE_RISK, Side.EMPLOYER, collection=Collection.GUIDE)
ELDERLY = FakeEntry("elderly-support", Area.ELDERLY_SERVICES, Side.OLDER_PERSON)
OTHER = FakeEntry("other-divorce", Area.OTHER_TOPICS, Side.FAMILY)
AID = FakeEntry("legalsvc-aid-apply", Area.LEGAL_SERVICES, Side.ANY)
POLICY = AbstainPolicy(threshold=0.5, margin=0.03)


@pytest.fixture(autouse=True)
def threshold_policy(monkeypatch):
    """These rules are about the hand weights and the raw threshold unless a test installs a learned ranker."""
    monkeypatch.setenv("FARUN_RANKER", "weights")


def linear_ranker(
    answer_at: float = 0.8, offer_at: float = 0.3, out_of_scope_at: float = 0.9, bias: float = -6.0, **weights: float
):
    """A ranker over raw feature values (mean 0, scale 1) with the given weights, the others 0."""
    names = list(routing.FEATURES)
    return LearnedRanker(
        features=names,
        mean=[0.0] * len(names),
        scale=[1.0] * len(names),
        weights=[weights.get(name, 0.0) for name in names],
        bias=bias,
        answer_at=answer_at,
        offer_at=offer_at,
        out_of_scope_at=out_of_scope_at,
    )


@pytest.fixture
def learned(monkeypatch):
    def install(ranker: LearnedRanker) -> None:
        monkeypatch.setenv("FARUN_RANKER", "learned")
        monkeypatch.setattr(routing, "default_ranker", lambda: ranker)

    return install


def ranking(*pairs: tuple[str, float]) -> list[dict]:
    return [{"name": name, "confidence": confidence} for name, confidence in pairs]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("公司三年没给我交社保能要补偿吗", Side.WORKER),
        ("我在厂里干了两年老板一直拖着不发工资现在说没钱让我等着", Side.WORKER),
        ("我爸在工地干活摔伤了包工头不管", Side.WORKER),
        ("老板欠我三个月工资", Side.WORKER),
        ("试用期老板要我赔设备的钱 我能不能去告公司", Side.WORKER),
        ("我是一家快递公司的司机 公司让我签自愿放弃社保的协议", Side.WORKER),
        ("被调岗降薪了怎么维护自己的权益", Side.WORKER),
        ("我和几个工友的工钱到现在还没结", Side.WORKER),
        ("厂里迟迟不发工资，劳动监察能管吗", Side.WORKER),
        ("主管天天逼着加班，不加班就扣钱", Side.WORKER),
        ("公司通知要裁员，我们能拿到什么", Side.WORKER),
        ("在超市当了八年保洁，突然说合同不续了", Side.WORKER),
        ("我是老板 店里一个服务员老是迟到 能开除吗", Side.EMPLOYER),
        ("我们公司员工旷工三天能直接开除吗", Side.EMPLOYER),
        ("我是老板，想辞退一个老是迟到的员工要给补偿吗", Side.EMPLOYER),
        ("开了个小饭店招人要不要签合同", Side.EMPLOYER),
    ],
)
def test_the_words_tell_the_askers_side(text, expected):
    assert routing.asker_side(text, ranking(("enterprise_risk", 0.6), ("wage_arrears", 0.4))) is expected


def test_someone_withholding_money_from_me_is_a_worker_cue_only_for_pay():
    assert routing.asker_side("我儿子不给我赡养费", []) is None
    assert routing.asker_side("包工头不给我结工钱", []) is Side.WORKER


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


def test_the_learned_ranker_decides_answer_offer_or_abstain(learned):
    learned(linear_ranker(dense=10.0))
    other = FakeEntry("labour-injury", Area.WAGE_ARREARS, Side.WORKER)
    sure = [FakeHit(WORKER, 0.9, 3.0), FakeHit(other, 0.6)]  # p = 0.95
    middle = [FakeHit(WORKER, 0.65, 3.0), FakeHit(other, 0.6)]  # p = 0.62
    unsure = [FakeHit(WORKER, 0.45, 3.0), FakeHit(other, 0.4)]  # p = 0.18
    text, nlu = "公司不给我交社保", ranking(("wage_arrears", 0.9))
    answer = routing.decide(text, nlu, sure, POLICY)
    assert answer.kind == "answer" and answer.entries == [WORKER] and answer.related == [other]
    offer = routing.decide(text, nlu, middle, POLICY)
    assert offer.kind == "did_you_mean" and offer.entries == [WORKER, other]
    abstained = routing.decide(text, nlu, unsure, POLICY)
    assert abstained.kind == "abstain" and abstained.candidates[0].confidence == pytest.approx(0.182, abs=1e-3)


def test_the_nlus_area_reorders_through_the_boost_but_does_not_make_an_answer_surer(learned):
    ranker = linear_ranker(dense=10.0, answer_at=0.8, offer_at=0.3)
    learned(LearnedRanker(**{**ranker.__dict__, "boost": {"area_prior": 4.0}}))
    hits = [FakeHit(OTHER, 0.70, 1.0), FakeHit(ELDERLY, 0.66, 1.0)]
    decision = routing.decide("我妈被骗了", ranking(("elderly_services", 0.9)), hits, POLICY)
    assert decision.kind == "did_you_mean" and decision.entries[0] is ELDERLY  # p(ELDERLY) = 0.65 < 0.8


def test_a_known_askers_side_puts_the_opposite_sides_entries_last(learned):
    learned(linear_ranker(dense=10.0, answer_at=0.5))
    hits = [FakeHit(EMPLOYER, 0.95, 5.0), FakeHit(WORKER, 0.70, 1.0)]
    worker = routing.decide("公司三年没给我交社保能要补偿吗", [], hits, POLICY)
    assert worker.kind == "answer" and worker.entries == [WORKER]
    unknown = routing.decide("社保断缴有什么后果", [], hits, POLICY)
    assert unknown.entries[0] is EMPLOYER  # side unclear: the model's order stands


def test_did_you_mean_never_offers_the_opposite_sides_entry(learned):
    learned(linear_ranker(dense=10.0))
    other = FakeEntry("labour-injury", Area.WAGE_ARREARS, Side.WORKER)
    hits = [FakeHit(WORKER, 0.66, 3.0), FakeHit(EMPLOYER, 0.65), FakeHit(other, 0.6)]
    offer = routing.decide("公司不给我交社保", [], hits, POLICY)
    assert offer.kind == "did_you_mean" and offer.entries == [WORKER, other]


def test_the_learned_ranker_orders_by_the_askers_side_when_it_weighs_it(learned):
    learned(linear_ranker(dense=10.0, same_side=2.0, opposite_side=-2.0))
    hits = [FakeHit(EMPLOYER, 0.85, 5.0), FakeHit(WORKER, 0.80, 4.0)]
    worker = routing.decide("公司三年没给我交社保能要补偿吗", [], hits, POLICY)
    assert worker.entries[0] is WORKER and worker.side is Side.WORKER
    employer = routing.decide("我们公司员工不交社保签了承诺书有用吗", [], hits, POLICY)
    assert employer.entries[0] is EMPLOYER


def test_an_out_of_scope_question_needs_a_surer_learned_answer(learned):
    learned(linear_ranker(dense=10.0, answer_at=0.6, offer_at=0.2, out_of_scope_at=0.7))
    hits = [FakeHit(WORKER, 0.66, 1.0), FakeHit(OTHER, 0.5, 1.0)]  # p(WORKER) = 0.65: above answer_at, below 0.7
    decision = routing.decide("离婚孩子归谁", ranking(("out_of_scope", 0.9)), hits, POLICY, origin="out_of_scope")
    assert decision.kind == "referral" and decision.entries == [OTHER]
    assert routing.decide("公司不给我交社保", [], hits, POLICY).kind == "answer"


def test_an_out_of_scope_question_nothing_fits_is_referred_not_abstained(learned):
    learned(linear_ranker(dense=10.0, answer_at=0.6, offer_at=0.5, out_of_scope_at=0.7))
    hits = [FakeHit(WORKER, 0.3, 0.0)]  # p = 0.05: below offer_at
    referred = routing.decide("离婚孩子归谁", ranking(("out_of_scope", 0.9)), hits, POLICY, origin="out_of_scope")
    assert referred.kind == "referral" and referred.entries == []
    assert routing.decide("离婚孩子归谁", [], hits, POLICY, origin="topical").kind == "abstain"


def test_a_question_the_nlu_could_not_place_is_offered_choices_unless_retrieval_is_clearly_right(learned):
    learned(linear_ranker(dense=10.0, answer_at=0.6, offer_at=0.2, out_of_scope_at=0.7))
    unsure = [FakeHit(WORKER, 0.66, 1.0), FakeHit(ELDERLY, 0.6, 1.0)]  # p(WORKER) = 0.65: above answer_at, below 0.7
    offered = routing.decide("这种情况怎么办", [], unsure, POLICY, origin="fallback")
    assert offered.kind == "did_you_mean" and offered.entries == [WORKER, ELDERLY]
    assert routing.decide("这种情况怎么办", [], unsure, POLICY, origin="topical").kind == "answer"
    clear = [FakeHit(WORKER, 0.8, 1.0), FakeHit(ELDERLY, 0.6, 1.0)]  # p(WORKER) = 0.88
    assert routing.decide("这种情况怎么办", [], clear, POLICY, origin="fallback").kind == "answer"


def test_an_entrys_own_phrasing_is_answered_from_that_entry_whatever_the_model_weighs(learned):
    learned(linear_ranker(dense=-10.0))  # a model that would put the exact match last and answer nothing
    hits = [FakeHit(WORKER, 0.99, 1.0), FakeHit(EMPLOYER, 0.6, 3.0)]
    decision = routing.decide("公司不给我交社保", [], hits, POLICY)
    assert decision.kind == "answer" and decision.entries == [WORKER]


def test_candidate_features_carry_each_lists_evidence_the_prior_and_the_side():
    hits = [
        FakeHit(WORKER, 0.80, 4.0, second_dense=0.7, answer_dense=0.6),
        FakeHit(EMPLOYER, 0.60, 0.0, second_dense=0.9, answer_dense=0.5),
    ]
    candidates = routing.global_fusion(hits)
    text = "公司不给我交社保"
    rows = routing.candidate_features(candidates, {Area.WAGE_ARREARS: 0.7}, Side.WORKER, text)
    values = {c.entry.id: row for c, row in zip(candidates, rows)}
    worker, employer = values[WORKER.id], values[EMPLOYER.id]
    assert set(worker) == set(routing.FEATURES)
    assert worker["dense"] == 0.80 and worker["dense_gap"] == 0.0 and employer["dense_gap"] == pytest.approx(-0.2)
    assert employer["second_rank"] == 1.0 and worker["second_rank"] == 0.5 and employer["keyword_rank"] == 0.0
    assert worker["keyword"] == pytest.approx(1.6094, abs=1e-4)  # log1p of BM25
    assert worker["area_prior"] == 0.7 and employer["area_prior"] == 0.0
    assert (worker["same_side"], worker["opposite_side"]) == (1.0, 0.0)
    assert (employer["same_side"], employer["opposite_side"], employer["guide"]) == (0.0, 1.0, 1.0)
    assert worker["long_answer"] == pytest.approx(0.6 * routing.math.log1p(len(text)))
    unknown = routing.candidate_features(candidates, {}, None, text)
    assert [row["employer_side_unknown"] for row in unknown] == [
        float(c.entry.side is Side.EMPLOYER) for c in candidates
    ]


def test_the_shipped_ranker_scores_exactly_the_routers_features():
    ranker = LearnedRanker.load()
    assert ranker is not None, "knowledge_base/retrieval/ranker.json is missing: run `farun fit-ranker`"
    assert ranker.features == list(routing.FEATURES), "the router's features changed: refit with `farun fit-ranker`"
    assert 0.0 < ranker.offer_at <= ranker.answer_at <= ranker.out_of_scope_at <= 1.0
