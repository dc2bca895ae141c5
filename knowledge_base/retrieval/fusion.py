"""Reciprocal-rank fusion of several ranked lists of entry ids."""

from __future__ import annotations

RRF_K = 60


def reciprocal_rank_fusion(
    rankings: list[list[str]], weights: list[float] | None = None, k: int = RRF_K
) -> list[tuple[str, float]]:
    """Fuse rankings (best first) into one: score(id) = Σ weight / (k + rank), best first."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, label in enumerate(ranking, start=1):
            scores[label] = scores.get(label, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda item: item[1], reverse=True)
