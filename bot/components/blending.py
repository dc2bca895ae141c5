"""The arithmetic of ``TopicalBlend``, free of Rasa so the unit tests can run it.

A ranking is Rasa's ``intent_ranking``: ``[{"name": ..., "confidence": ...}, ...]``.
"""

from __future__ import annotations

import numpy as np


def softmax(scores: np.ndarray) -> np.ndarray:
    """Row-wise probabilities from a multinomial logistic regression's scores."""
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def blend(ranking: list[dict], topics: list[str], opinion: np.ndarray, weight: float) -> list[dict]:
    """DIET's ``ranking`` with the topics' share re-divided by ``opinion`` (probabilities over ``topics``)."""
    probability = {item["name"]: float(item["confidence"]) for item in ranking}
    mass = sum(probability.get(topic, 0.0) for topic in topics)
    for topic, share in zip(topics, opinion):
        probability[topic] = (1.0 - weight) * probability.get(topic, 0.0) + weight * mass * float(share)
    ordered = sorted(probability.items(), key=lambda item: -item[1])
    return [{"name": name, "confidence": value} for name, value in ordered]
