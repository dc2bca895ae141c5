"""``farun calibrate``: fit the answer / offer / abstain model on the project's own sentences.

Positives and negatives come from what the router would answer: each
paraphrase of ``tests/data/paraphrases`` is searched across every collection
and ranked as ``actions.routing`` ranks (fusion across collections, the
asker's side from the words; no NLU here), and its top entry is right when the
paraphrase lists it. Each out-of-scope training sentence (``bot/data/nlu/
out_of_scope.yml``) whose top entry is a topical one (wages, older people,
enterprise) is a negative: answering it would be wrong. The logistic
regression is fitted on all of them; ``answer_at`` is the lowest probability
at which answers reach ``PRECISION`` on cross-validated predictions, and
``offer_at`` the lowest at which the band below ``answer_at`` still holds a
right entry among the three offered ``OFFER_HIT_RATE`` of the time. The dev
questions are never used.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from actions import routing
from api.evaluation.retrieval_eval import load_paraphrases
from knowledge_base.retrieval.calibration import FEATURES, Calibration, features
from knowledge_base.schema import Area
from knowledge_base.settings import ROOT

PRECISION = 0.65
OFFER_HIT_RATE = 0.5
TOPICAL = {Area.WAGE_ARREARS, Area.ELDERLY_SERVICES, Area.ENTERPRISE_RISK}
OUT_OF_SCOPE_FILE = ROOT / "bot" / "data" / "nlu" / "out_of_scope.yml"
SEARCH_DEPTH = 30


def out_of_scope_sentences(path: Path = OUT_OF_SCOPE_FILE) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    block = next(item["examples"] for item in data["nlu"] if item.get("intent") == "out_of_scope")
    return [line[2:].strip() for line in block.splitlines() if line.startswith("- ")]


def ranked(retriever, text: str) -> list:
    hits = retriever.search(text, None, k=SEARCH_DEPTH).hits
    candidates = routing.rerank(routing.global_fusion(hits), {}, routing.asker_side(text, []))
    return [candidate.hit for candidate in candidates]


def samples(retriever) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Feature rows, whether the top entry is right, and whether a right entry is among the top three."""
    rows, right, in_three = [], [], []
    for row in load_paraphrases():
        hits = ranked(retriever, row["query"])
        ids = [hit.entry.id for hit in hits[:3]]
        rows.append([features(hits)[name] for name in FEATURES])
        right.append(bool(ids) and ids[0] in row["ids"])
        in_three.append(bool(set(ids) & set(row["ids"])))
    for text in out_of_scope_sentences():
        hits = ranked(retriever, text)
        if hits and hits[0].entry.area in TOPICAL:
            rows.append([features(hits)[name] for name in FEATURES])
            right.append(False)
            in_three.append(False)
    return np.array(rows), np.array(right), np.array(in_three)


def lowest_threshold(probabilities: np.ndarray, good: np.ndarray, rate: float, below: float = 1.01) -> float:
    """The lowest cut-off whose selected rows (cut-off ≤ p < ``below``) are good at least ``rate`` of the time."""
    for cut in np.arange(0.05, below, 0.01):
        selected = (probabilities >= cut) & (probabilities < below)
        if selected.sum() >= 5 and good[selected].mean() >= rate:
            return round(float(cut), 2)
    return round(float(below), 2)


def fit(retriever) -> tuple[Calibration, dict]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import cross_val_predict

    x, right, in_three = samples(retriever)
    model = LogisticRegression(max_iter=1000, C=1.0)
    held_out = cross_val_predict(model, x, right, cv=5, method="predict_proba")[:, 1]
    model.fit(x, right)
    answer_at = lowest_threshold(held_out, right, PRECISION)
    offer_at = lowest_threshold(held_out, in_three, OFFER_HIT_RATE, below=answer_at)
    top_dense = x[:, FEATURES.index("top_dense")]
    report = {
        "samples": int(len(right)),
        "right_top": int(right.sum()),
        "auroc_model_cross_validated": round(float(roc_auc_score(right, held_out)), 3),
        "auroc_top_cosine": round(float(roc_auc_score(right, top_dense)), 3),
        "answered_share": round(float((held_out >= answer_at).mean()), 3),
        "answer_precision": round(float(right[held_out >= answer_at].mean()), 3)
        if (held_out >= answer_at).any()
        else None,
        "offered_share": round(float(((held_out >= offer_at) & (held_out < answer_at)).mean()), 3),
        "curve": {
            f"{cut:.1f}": [round(float((held_out >= cut).mean()), 3), round(float(right[held_out >= cut].mean()), 3)]
            for cut in np.arange(0.3, 0.95, 0.1)
            if (held_out >= cut).any()
        },
    }
    calibration = Calibration(
        weights={name: round(float(w), 4) for name, w in zip(FEATURES, model.coef_[0])},
        bias=round(float(model.intercept_[0]), 4),
        answer_at=answer_at,
        offer_at=offer_at,
        fitted_on={"paraphrases": "tests/data/paraphrases", "negatives": "bot/data/nlu/out_of_scope.yml", **report},
    )
    return calibration, report
