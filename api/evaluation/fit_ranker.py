"""``farun fit-ranker``: fit the learned ranker and its answer / offer thresholds on the project's own questions.

Each question of the paraphrase set (``tests/data/paraphrases``) and the story
set (``tests/data/stories``: long real-register questions written from the
entries, labelled by the entries that answer them) is parsed by the trained
NLU (a ``rasa run`` of ``models/farun.tar.gz``), searched across every
collection, and its candidates get the router's features
(``actions.routing.candidate_features``); a candidate is positive when the
question lists it. Out-of-scope training sentences (``bot/data/nlu/
out_of_scope.yml``) add questions with no right candidate. A logistic
regression is fitted on all candidates; cross-validated by question, its
probability for each question's top candidate gives ``answer_at`` (the lowest
cut at which the labelled questions' answers are right ``PRECISION`` of the
time and at most ``OUT_OF_SCOPE_ANSWERED`` of the out-of-scope sentences get an
answer from a topical entry — wages, older people, enterprises) and ``offer_at`` (the lowest cut below it at which the three
offered hold a right entry ``OFFER_HIT_RATE`` of the time), and
``out_of_scope_at`` (the lowest cut at or above ``answer_at`` at which at most
``OUT_OF_SCOPE_STRICT`` of the out-of-scope sentences get an answer from a
topical entry: the bar for a question the NLU took for another topic).

On these questions retrieval alone nearly always finds the area, so the
regression gives the NLU's area prior almost no weight; on real questions the
NLU often knows the area when retrieval does not. The prior's weight is
therefore chosen apart from the regression: from ``PRIOR_WEIGHTS``, the one
that maximises cross-validated hit@1 on the labelled questions plus the
served-area accuracy on the held-out NLU sentences (``tests/data/nlu_heldout``,
labelled by intent). It reorders the candidates (``LearnedRanker.boost``) but
does not enter the probability that decides: an NLU sure of the area does not
make the bot surer of the entry. The report compares hit@1 / hit@3 of the
learned order with the hand weights on the same candidates. The dev questions
are never used.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from actions import routing
from api.evaluation.retrieval_eval import load_labelled_queries, load_paraphrases
from knowledge_base.retrieval.ranker import LearnedRanker
from knowledge_base.settings import ROOT

STORIES_DIR = ROOT / "tests" / "data" / "stories"
OUT_OF_SCOPE_FILE = ROOT / "bot" / "data" / "nlu" / "out_of_scope.yml"
PRECISION = 0.75
OUT_OF_SCOPE_ANSWERED = 0.2
OUT_OF_SCOPE_STRICT = 0.05
OFFER_HIT_RATE = 0.5
NLU_HELDOUT_DIR = ROOT / "tests" / "data" / "nlu_heldout"
FOLDS = 5
C = 1.0
PRIOR_WEIGHTS = (0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0)
PRIOR = routing.FEATURES.index("area_prior")
TOPICAL = {"wage_arrears", "elderly_services", "enterprise_risk"}


@dataclass
class Question:
    """One labelled question and its candidates: features, positives and the hand-weighted order."""

    kind: str  # paraphrase | story | out_of_scope | heldout
    text: str
    ids: frozenset[str]
    features: np.ndarray  # candidates × FEATURES
    candidate_ids: list[str]
    weighted_order: list[str]  # the candidates' ids as the hand weights rank them
    candidate_areas: list[str]
    area: str | None = None  # heldout: the area the intent label names


def load_stories(directory: Path = STORIES_DIR) -> list[dict]:
    """The ``{query, ids, side, area}`` rows of the story set; a clear error names the first bad line."""
    return load_labelled_queries(
        directory,
        lambda row: str(row.get("query", "")).strip() and row.get("ids"),
        "needs a query and entry ids",
        "stories",
    )


def out_of_scope_sentences(path: Path = OUT_OF_SCOPE_FILE) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    block = next(item["examples"] for item in data["nlu"] if item.get("intent") == "out_of_scope")
    return [line[2:].strip() for line in block.splitlines() if line.startswith("- ")]


def heldout_sentences(directory: Path = NLU_HELDOUT_DIR) -> list[tuple[str, str]]:
    """``(text, area)`` of the held-out NLU sentences whose intent names an area."""
    rows = []
    for path in sorted(Path(directory).glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                area = routing.INTENT_AREAS.get(row.get("intent") or "")
                if area is not None:
                    rows.append((row["text"], area.value))
    return rows


def labelled_questions() -> list[tuple[str, str, frozenset[str], str | None]]:
    rows = [("paraphrase", row["query"], frozenset(row["ids"]), None) for row in load_paraphrases()]
    rows += [("story", row["query"], frozenset(row["ids"]), None) for row in load_stories()]
    rows += [("out_of_scope", text, frozenset(), None) for text in out_of_scope_sentences()]
    rows += [("heldout", text, frozenset(), area) for text, area in heldout_sentences()]
    return rows


def question(
    kind: str, text: str, ids: frozenset[str], intent_ranking: list[dict], retriever, area: str | None = None
) -> Question:
    """The candidates of ``text`` as the router sees them, with their features."""
    hits = retriever.search(text, None, k=routing.SEARCH_DEPTH).hits
    asker = routing.asker_side(text, intent_ranking)
    prior = routing.sided_prior(routing.area_prior(intent_ranking), asker)
    pool = routing.global_fusion(hits)[: routing.LEARNED_POOL]
    values = routing.candidate_features(pool, prior, asker, text)
    weighted = routing.rerank(list(pool), prior, asker)
    return Question(
        kind,
        text,
        ids,
        np.array([[row[name] for name in routing.FEATURES] for row in values]).reshape(
            len(pool), len(routing.FEATURES)
        ),
        [c.entry.id for c in pool],
        [c.entry.id for c in weighted],
        [c.entry.area.value for c in pool],
        area,
    )


def lowest_threshold(
    probabilities: np.ndarray, good: np.ndarray, rate: float, below: float = 1.01, allowed=lambda cut: True
) -> float:
    """The lowest cut-off whose selected rows (cut-off ≤ p < ``below``) are good at least ``rate`` of the time
    and that ``allowed(cut)`` accepts."""
    for cut in np.arange(0.02, below, 0.01):
        selected = (probabilities >= cut) & (probabilities < below)
        if selected.sum() >= 5 and good[selected].mean() >= rate and allowed(cut):
            return round(float(cut), 2)
    return round(float(min(below, 1.0)), 2)


def _model():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=5000)


def _fit(questions: list[Question]):
    x = np.vstack([q.features for q in questions if len(q.candidate_ids)])
    y = np.concatenate([[i in q.ids for i in q.candidate_ids] for q in questions if len(q.candidate_ids)])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = _model().fit((x - mean) / scale, y)
    return model, mean, scale


def _top(question: Question, scores: np.ndarray) -> list[str]:
    return [question.candidate_ids[i] for i in np.argsort(-scores)[:3]]


def fit(questions: list[Question], seed: int = 0) -> tuple[LearnedRanker, dict]:
    """The ranker fitted on the labelled questions, the prior's weight and the thresholds, and a report."""
    labelled = [q for q in questions if q.kind != "heldout" and len(q.candidate_ids)]
    heldout = [q for q in questions if q.kind == "heldout" and len(q.candidate_ids)]
    folds = np.random.default_rng(seed).integers(0, FOLDS, len(labelled))
    fold_models = [_fit([q for q, f in zip(labelled, folds) if f != fold]) for fold in range(FOLDS)]
    full, mean, scale = _fit(labelled)

    def logits(q: Question, fitted) -> np.ndarray:
        model, mu, sd = fitted
        return model.decision_function((q.features - mu) / sd)

    def scores(q: Question, fitted, w: float) -> np.ndarray:
        return logits(q, fitted) + w * q.features[:, PRIOR]

    def cross_validated(w: float) -> list[np.ndarray]:
        return [scores(q, fold_models[f], w) for q, f in zip(labelled, folds)]

    def hit1(w: float) -> float:
        return float(
            np.mean(
                [q.candidate_ids[int(np.argmax(s))] in q.ids for q, s in zip(labelled, cross_validated(w)) if q.ids]
            )
        )

    def area_accuracy(w: float) -> float:
        if not heldout:
            return 0.0
        return float(
            np.mean([q.candidate_areas[int(np.argmax(scores(q, (full, mean, scale), w)))] == q.area for q in heldout])
        )

    prior_weight = max(PRIOR_WEIGHTS, key=lambda w: hit1(w) + area_accuracy(w))
    cv_scores = cross_validated(prior_weight)
    cv_logits = [logits(q, fold_models[f]) for q, f in zip(labelled, folds)]
    top_probability = np.array([float(1 / (1 + np.exp(-z[int(np.argmax(s))]))) for s, z in zip(cv_scores, cv_logits)])
    learned_top = [_top(q, s) for q, s in zip(labelled, cv_scores)]
    right = np.array([top[0] in q.ids for top, q in zip(learned_top, labelled)])
    in_three = np.array([bool(set(top) & q.ids) for top, q in zip(learned_top, labelled)])
    positive = np.array([q.kind != "out_of_scope" for q in labelled])
    negatives = ~positive
    # An out-of-scope sentence is wrongly answered only from a topical entry; another-topic entry is a referral.
    topical_top = np.array([q.candidate_areas[int(np.argmax(s))] in TOPICAL for q, s in zip(labelled, cv_scores)])

    def out_of_scope_answered(cut: float) -> float:
        return float(((top_probability >= cut) & topical_top)[negatives].mean()) if negatives.any() else 0.0

    answer_at = lowest_threshold(
        top_probability[positive],
        right[positive],
        PRECISION,
        allowed=lambda cut: out_of_scope_answered(cut) <= OUT_OF_SCOPE_ANSWERED,
    )
    offer_at = lowest_threshold(top_probability[positive], in_three[positive], OFFER_HIT_RATE, below=answer_at)
    out_of_scope_at = next(
        (
            round(float(cut), 2)
            for cut in np.arange(answer_at, 1.0, 0.01)
            if out_of_scope_answered(cut) <= OUT_OF_SCOPE_STRICT
        ),
        1.0,
    )
    report = {
        "questions": {},
        "prior_weight": {
            "chosen": prior_weight,
            **{str(w): [round(hit1(w), 3), round(area_accuracy(w), 3)] for w in PRIOR_WEIGHTS},
        },
        "thresholds": {"answer_at": answer_at, "offer_at": offer_at, "out_of_scope_at": out_of_scope_at},
    }
    for kind in ("paraphrase", "story"):
        chosen = [n for n, q in enumerate(labelled) if q.kind == kind]
        if not chosen:
            continue
        weighted = [labelled[n].weighted_order[:3] for n in chosen]
        report["questions"][kind] = {
            "n": len(chosen),
            "learned_hit1_cv": round(float(right[chosen].mean()), 3),
            "learned_hit3_cv": round(float(in_three[chosen].mean()), 3),
            "weights_hit1": round(float(np.mean([w[0] in labelled[n].ids for w, n in zip(weighted, chosen)])), 3),
            "weights_hit3": round(
                float(np.mean([bool(set(w) & labelled[n].ids) for w, n in zip(weighted, chosen)])), 3
            ),
            "answered_share_cv": round(float((top_probability[chosen] >= answer_at).mean()), 3),
            "offered_share_cv": round(
                float(((top_probability[chosen] >= offer_at) & (top_probability[chosen] < answer_at)).mean()), 3
            ),
        }
    report["heldout_served_area"] = {"n": len(heldout), "accuracy": round(area_accuracy(prior_weight), 3)}
    if negatives.any():
        report["out_of_scope_answered_cv"] = round(out_of_scope_answered(answer_at), 3)
    answered = positive & (top_probability >= answer_at)
    report["answer_precision_cv"] = round(float(right[answered].mean()), 3) if answered.any() else None
    weights, bias = full.coef_[0], float(full.intercept_[0])
    ranker = LearnedRanker(
        features=list(routing.FEATURES),
        mean=[round(float(v), 6) for v in mean],
        scale=[round(float(v), 6) for v in scale],
        weights=[round(float(v), 6) for v in weights],
        bias=round(bias, 6),
        answer_at=answer_at,
        offer_at=offer_at,
        out_of_scope_at=out_of_scope_at,
        boost={"area_prior": prior_weight},
        fitted_on={
            "paraphrases": "tests/data/paraphrases",
            "stories": "tests/data/stories",
            "negatives": "bot/data/nlu/out_of_scope.yml",
            "prior_weight_on": "tests/data/nlu_heldout",
            "precision": PRECISION,
            "out_of_scope_answered": OUT_OF_SCOPE_ANSWERED,
            "out_of_scope_strict": OUT_OF_SCOPE_STRICT,
            "offer_hit_rate": OFFER_HIT_RATE,
            **report,
        },
    )
    return ranker, report


def collect(retriever, nlu) -> list[Question]:
    """Every labelled question with its candidates; ``nlu.ranking(text)`` gives the NLU's intent ranking."""
    from tqdm import tqdm

    rows = labelled_questions()
    return [
        question(kind, text, ids, nlu.ranking(text), retriever, area) for kind, text, ids, area in tqdm(rows, unit="q")
    ]
