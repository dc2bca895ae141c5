"""The abstain threshold against precision and coverage on the paraphrase set.

For each threshold the bot answers a query when the fused top hit's dense
confidence reaches it: coverage is the share answered, precision the share of
answered queries whose top hit is a right entry. The threshold that best
separates right from wrong top hits (answer the right ones, abstain on the
wrong ones) is reported next to the configured ``DEFAULT_THRESHOLD``.
"""

from __future__ import annotations

import numpy as np

from api.evaluation.retrieval_eval import Outcome
from knowledge_base.retrieval.abstain import DEFAULT_THRESHOLD


def point(outcomes: list[Outcome], threshold: float) -> dict:
    answered = [o for o in outcomes if o.confidence >= threshold]
    right = sum(o.rank == 1 for o in answered)
    separated = right + sum(o.rank != 1 for o in outcomes if o.confidence < threshold)
    return {
        "threshold": round(float(threshold), 3),
        "coverage": round(len(answered) / len(outcomes), 4),
        "precision": round(right / len(answered), 4) if answered else None,
        "separation": round(separated / len(outcomes), 4),
    }


def curve(outcomes: list[Outcome], default: float = DEFAULT_THRESHOLD) -> dict:
    """The sweep over thresholds 0.00-1.00 of the fused outcomes, the default's point and the best separator."""
    fused = [o for o in outcomes if o.mode == "fused"]
    if not fused:
        raise ValueError("the abstention curve needs fused outcomes")
    points = [point(fused, t) for t in np.round(np.arange(0.0, 1.0001, 0.01), 2)]
    best = max(points, key=lambda p: (p["separation"], -abs(p["threshold"] - default)))
    return {"points": points, "default": point(fused, default), "best_separation": best}
