"""The learned ranker's model: standardised logistic scores, clear errors, and its file."""

from __future__ import annotations

import math

import pytest

from knowledge_base.retrieval.ranker import LearnedRanker, learned_mode


def ranker(**changes) -> LearnedRanker:
    values = dict(
        features=["a", "b"],
        mean=[1.0, 0.0],
        scale=[2.0, 1.0],
        weights=[4.0, -1.0],
        bias=0.5,
        answer_at=0.7,
        offer_at=0.3,
        out_of_scope_at=0.8,
    )
    return LearnedRanker(**(values | changes))


def test_the_logit_standardises_each_feature_before_weighing_it():
    model = ranker()
    assert model.logit({"a": 3.0, "b": 2.0}) == pytest.approx(0.5 + 4.0 * 1.0 - 2.0)
    assert model.probability({"a": 3.0, "b": 2.0}) == pytest.approx(1 / (1 + math.exp(-2.5)))
    assert model.probability({"a": -1000.0, "b": 0.0}) == pytest.approx(0.0)  # no overflow far below
    assert model.probability({"a": 1.0, "b": 0.5}) == pytest.approx(0.5)


def test_a_missing_feature_is_an_error_not_a_silent_zero():
    with pytest.raises(KeyError, match="b"):
        ranker().logit({"a": 1.0})


def test_malformed_models_are_refused():
    with pytest.raises(ValueError, match="one value per feature"):
        ranker(weights=[1.0])
    with pytest.raises(ValueError, match="thresholds"):
        ranker(answer_at=0.2, offer_at=0.3)
    with pytest.raises(ValueError, match="thresholds"):
        ranker(out_of_scope_at=0.5)


def test_the_model_round_trips_through_its_file(tmp_path):
    path = tmp_path / "ranker.json"
    assert LearnedRanker.load(path) is None
    ranker(fitted_on={"questions": 3}).save(path)
    assert LearnedRanker.load(path) == ranker(fitted_on={"questions": 3})


def test_the_hand_weights_are_chosen_by_environment(monkeypatch):
    monkeypatch.delenv("FARUN_RANKER", raising=False)
    assert learned_mode()
    monkeypatch.setenv("FARUN_RANKER", "weights")
    assert not learned_mode()


def test_a_boost_reorders_without_making_the_model_surer():
    model = ranker(boost={"b": 3.0})
    values = {"a": 3.0, "b": 2.0}
    assert model.rank_score(values) == pytest.approx(model.logit(values) + 6.0)
    assert model.probability(values) == pytest.approx(ranker().probability(values))
