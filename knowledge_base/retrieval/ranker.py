"""A learned ranker: one logistic regression over each candidate entry's evidence, and where to answer.

Hand-set weights summed the lists' scores, the NLU's area prior and the asker's
side, and put the right entry first for about a third of real questions.
``LearnedRanker`` weighs the same evidence by a logistic regression fitted on the
project's own labelled questions (``farun fit-ranker``: the paraphrase set, the
story set and out-of-scope sentences, never the dev questions). Its
probability for the top candidate also decides the reply: at or above
``answer_at`` the bot answers; from ``offer_at`` it offers its best entries
(did-you-mean); below, it abstains and refers. A question the NLU took for
another legal topic gets an answer from the bot's own topics only at or above
``out_of_scope_at``; otherwise it is referred. ``boost`` adds evidence that
may reorder the candidates without raising that probability. The model is a list of named
features with their standardisation and weights, kept in ``ranker.json`` beside
this module; the features themselves are computed by the router
(``actions.routing.candidate_features``), which knows the NLU and the sides.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

MODEL_FILE = Path(__file__).with_name("ranker.json")


@dataclass(frozen=True)
class LearnedRanker:
    features: list[str]
    mean: list[float]
    scale: list[float]
    weights: list[float]
    bias: float
    answer_at: float
    offer_at: float
    out_of_scope_at: float
    boost: dict[str, float] = field(default_factory=dict)  # raw-unit weights that reorder but do not decide
    fitted_on: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        sizes = {len(self.features), len(self.mean), len(self.scale), len(self.weights)}
        if len(sizes) != 1:
            raise ValueError("features, mean, scale and weights must have one value per feature")
        if not 0.0 <= self.offer_at <= self.answer_at <= self.out_of_scope_at <= 1.0:
            raise ValueError("thresholds must satisfy 0 ≤ offer_at ≤ answer_at ≤ out_of_scope_at ≤ 1")

    def logit(self, values: dict[str, float]) -> float:
        """The candidate's score; a feature missing from ``values`` is a clear error, never a silent zero."""
        missing = [name for name in self.features if name not in values]
        if missing:
            raise KeyError(f"missing ranker features: {missing}")
        return self.bias + sum(
            weight * (values[name] - mean) / scale
            for name, mean, scale, weight in zip(self.features, self.mean, self.scale, self.weights)
        )

    def rank_score(self, values: dict[str, float]) -> float:
        """What candidates are ordered by: the logit plus ``boost`` (evidence chosen apart from the regression,
        such as the NLU's area prior, which may reorder candidates but must not make the bot surer)."""
        return self.logit(values) + sum(weight * values[name] for name, weight in self.boost.items())

    def probability(self, values: dict[str, float]) -> float:
        """The probability that the candidate answers the question."""
        return sigmoid(self.logit(values))

    def save(self, path: Path = MODEL_FILE) -> None:
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> "LearnedRanker | None":
        if not path.exists():
            return None
        return cls(**json.loads(path.read_text(encoding="utf-8")))


def sigmoid(z: float) -> float:
    """The logistic function, without overflow for large negative ``z``."""
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def learned_mode() -> bool:
    """``FARUN_RANKER=learned`` (default) ranks and decides by the fitted model; ``weights`` by the hand weights
    and the cosine threshold (the ablation baseline, and the fallback when ``ranker.json`` is missing)."""
    return os.environ.get("FARUN_RANKER", "learned").strip().lower() != "weights"


@lru_cache(maxsize=1)
def default_ranker() -> LearnedRanker | None:
    return LearnedRanker.load()
