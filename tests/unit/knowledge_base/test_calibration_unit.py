"""The calibrated answer/offer/abstain model: its features, its probability, and its file."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from knowledge_base.retrieval.calibration import FEATURES, Calibration, features


@dataclass
class Hit:
    dense: float
    second_dense: float = 0.0
    answer_dense: float = 0.0
    keyword: float = 0.0


def test_features_measure_the_lead_of_the_top_entry_and_how_many_lists_agree():
    values = features([Hit(0.9, 0.8, 0.7, 4.0), Hit(0.7, 0.85, 0.2, 1.0)])
    assert values["top_dense"] == pytest.approx(0.9) and values["lead_dense"] == pytest.approx(0.2)
    assert values["lead_second_dense"] == pytest.approx(-0.05)
    assert values["agree"] == 3.0  # first in dense, answer and keyword, not in the second model's list
    assert features([]) == dict.fromkeys(FEATURES, 0.0)


def test_probability_rises_with_the_evidence_and_the_model_round_trips(tmp_path):
    model = Calibration(weights={"top_dense": 8.0, "lead_dense": 5.0}, bias=-5.0, answer_at=0.7, offer_at=0.3)
    weak, strong = model.probability([Hit(0.5), Hit(0.48)]), model.probability([Hit(0.9), Hit(0.5)])
    assert 0 < weak < 0.3 < 0.7 < strong < 1
    path = tmp_path / "calibration.json"
    model.save(path)
    assert Calibration.load(path) == model
    assert Calibration.load(tmp_path / "missing.json") is None
