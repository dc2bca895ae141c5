"""The topical blend's arithmetic: dialogue intents and the topics' total untouched, the topics re-divided."""

from __future__ import annotations

import numpy as np
import pytest

from bot.components.blending import blend, softmax

TOPICS = ["wage_arrears", "enterprise_risk", "out_of_scope"]


def ranking(**confidences: float) -> list[dict]:
    return [{"name": name, "confidence": value} for name, value in confidences.items()]


def as_dict(items: list[dict]) -> dict[str, float]:
    return {item["name"]: item["confidence"] for item in items}


def test_a_confident_wrong_topic_yields_to_the_second_opinion():
    """DIET sure of the employer guide, the regression sure it is a worker's question: the worker's topic wins."""
    blended = blend(
        ranking(enterprise_risk=0.95, wage_arrears=0.03, greet=0.02), TOPICS, np.array([0.9, 0.1, 0.0]), 0.7
    )
    assert blended[0]["name"] == "wage_arrears"
    assert [item["confidence"] for item in blended] == sorted((item["confidence"] for item in blended), reverse=True)


def test_dialogue_intents_and_the_topics_total_are_unchanged():
    before = ranking(greet=0.6, wage_arrears=0.3, out_of_scope=0.1)
    after = as_dict(blend(before, TOPICS, np.array([0.2, 0.5, 0.3]), 0.7))
    assert after["greet"] == pytest.approx(0.6)
    assert sum(after[t] for t in TOPICS) == pytest.approx(0.4)
    assert after["enterprise_risk"] == pytest.approx(0.7 * 0.4 * 0.5)  # absent from DIET's ranking, now ranked


def test_weight_zero_keeps_diet_and_weight_one_follows_the_regression():
    before = ranking(wage_arrears=0.5, enterprise_risk=0.3, out_of_scope=0.2)
    opinion = np.array([0.1, 0.1, 0.8])
    assert as_dict(blend(before, TOPICS, opinion, 0.0)) == pytest.approx(as_dict(before))
    assert as_dict(blend(before, TOPICS, opinion, 1.0)) == pytest.approx(dict(zip(TOPICS, opinion)))


def test_softmax_rows_are_probabilities_even_for_large_scores():
    rows = softmax(np.array([[1000.0, 1001.0, 999.0], [0.0, 0.0, 0.0]]))
    assert rows.sum(axis=1) == pytest.approx([1.0, 1.0])
    assert rows[0].argmax() == 1 and rows[1] == pytest.approx([1 / 3] * 3)
