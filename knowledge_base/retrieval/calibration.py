"""A calibrated answer / offer / abstain decision over the fused retrieval evidence.

Raw cosine separates right from wrong top hits poorly; the evidence together
does better: the top entry's score in each list (USE and E5 cosine, E5 cosine
to the answer text, BM25), how far it leads the next entry, and how many
lists agree on it. A logistic regression over those features gives the
probability that the top entry is right. At or above ``answer_at`` the bot
answers; from ``offer_at`` it offers its best entries (did-you-mean); below,
it abstains and refers. The weights and both thresholds are fitted by
``farun calibrate`` on the project's own paraphrase set and out-of-scope
sentences (never on the dev questions) and kept in ``calibration.json``
beside this module; ``answer_at`` is chosen for a stated precision.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

MODEL_FILE = Path(__file__).with_name("calibration.json")
LISTS = ("dense", "second_dense", "answer_dense", "keyword")
FEATURES = (
    "top_dense",
    "top_second_dense",
    "top_answer_dense",
    "top_keyword",
    "lead_dense",
    "lead_second_dense",
    "lead_keyword",
    "agree",
)


def _score(hit, name: str) -> float:
    value = float(getattr(hit, name, 0.0) or 0.0)
    return math.log1p(value) if name == "keyword" else value


def features(ranked: list) -> dict[str, float]:
    """The evidence for the first of ``ranked`` (hits in the order the router would answer them)."""
    if not ranked:
        return dict.fromkeys(FEATURES, 0.0)
    top, others = ranked[0], ranked[1:]
    values = {f"top_{name}": _score(top, name) for name in LISTS}
    for name in ("dense", "second_dense", "keyword"):
        best_other = max((_score(hit, name) for hit in others), default=0.0)
        values[f"lead_{name}"] = values[f"top_{name}"] - best_other
    values["agree"] = float(
        sum(1 for name in LISTS if _score(top, name) > 0 and all(_score(top, name) >= _score(h, name) for h in others))
    )
    return values


@dataclass(frozen=True)
class Calibration:
    weights: dict[str, float]
    bias: float
    answer_at: float
    offer_at: float
    fitted_on: dict = field(default_factory=dict)

    def probability(self, ranked: list) -> float:
        values = features(ranked)
        z = self.bias + sum(self.weights.get(name, 0.0) * values[name] for name in FEATURES)
        return 1.0 / (1.0 + math.exp(-z))

    def save(self, path: Path = MODEL_FILE) -> None:
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> "Calibration | None":
        if not path.exists():
            return None
        return cls(**json.loads(path.read_text(encoding="utf-8")))


def calibrated_mode() -> bool:
    """``FARUN_ABSTAIN=calibrated`` uses the fitted model; ``threshold`` (default) the raw cosine threshold.

    Through the running stack the fitted model answered fewer dev questions right first time than the
    threshold (it offers three entries far more often), so it is opt-in until it is refitted on rankings
    that include the NLU prior and the asker's side (see README, Quality).
    """
    return os.environ.get("FARUN_ABSTAIN", "threshold").strip().lower() == "calibrated"


@lru_cache(maxsize=1)
def default_calibration() -> Calibration | None:
    return Calibration.load()
