"""``farun fit-ranker``: the story set it fits on, and the fit on synthetic candidates."""

from __future__ import annotations

import json

import numpy as np
import pytest

from actions import routing
from api.evaluation import fit_ranker
from api.evaluation.fit_ranker import Question, fit, load_stories
from knowledge_base.loader import load_knowledge_base


def test_load_stories_names_the_first_bad_line(tmp_path):
    (tmp_path / "a.jsonl").write_text(
        json.dumps({"query": "老板欠我工资", "ids": ["wage-unpaid-basic"]}, ensure_ascii=False)
        + "\n\n"
        + json.dumps({"query": "  ", "ids": ["x"]})
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"a\.jsonl:3: needs a query and entry ids"):
        load_stories(tmp_path)
    (tmp_path / "a.jsonl").write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="no stories"):
        load_stories(tmp_path)


def test_the_story_set_is_labelled_with_real_entries_and_never_repeats_a_phrasing():
    stories = load_stories()
    entries = load_knowledge_base().entries
    ids = {entry.id for entry in entries}
    phrasings = {"".join(text.split()) for entry in entries for text in (entry.title, *entry.questions)}
    assert len(stories) >= 500
    assert not [row["ids"] for row in stories if not set(row["ids"]) <= ids]
    queries = ["".join(row["query"].split()) for row in stories]
    assert len(set(queries)) == len(queries)
    assert not [query for query in queries if query in phrasings]  # written apart from the entries' phrasings


def synthetic(kind: str, n: int, rng, area: str | None = None) -> Question:
    """Five candidates; the right one (first, when the question has one) leads on the E5 cosine."""
    features = rng.normal(0.0, 0.05, (5, len(routing.FEATURES)))
    second = routing.FEATURES.index("second")
    prior = routing.FEATURES.index("area_prior")
    right = kind in ("paraphrase", "story")
    features[:, second] = 0.85 + rng.normal(0.0, 0.02, 5)
    if right:
        features[0, second] += 0.15
    areas = ["wage_arrears", "enterprise_risk", "other_topics", "wage_arrears", "elderly_services"]
    if area is not None:  # the NLU knows the area; retrieval alone puts a wrong-area candidate first
        features[:, prior] = [1.0 if a == area else 0.0 for a in areas]
        features[1, second] += 0.05
    ids = [f"{kind}-{n}-{i}" for i in range(5)]
    return Question(kind, f"{kind} {n}", frozenset(ids[:1] if right else []), features, ids, ids, areas, area)


def test_fit_learns_the_evidence_picks_the_prior_weight_and_sets_ordered_thresholds(monkeypatch):
    monkeypatch.setattr(fit_ranker, "PRIOR_WEIGHTS", (0.0, 4.0))
    rng = np.random.default_rng(1)
    questions = [synthetic("paraphrase", n, rng) for n in range(60)] + [synthetic("story", n, rng) for n in range(60)]
    questions += [synthetic("out_of_scope", n, rng) for n in range(20)]
    questions += [synthetic("heldout", n, rng, area="wage_arrears") for n in range(30)]
    ranker, report = fit(questions)
    assert ranker.features == list(routing.FEATURES)
    assert report["questions"]["paraphrase"]["learned_hit1_cv"] >= 0.9
    assert report["prior_weight"]["chosen"] == 4.0 and ranker.boost == {"area_prior": 4.0}
    assert report["prior_weight"]["4.0"][1] > report["prior_weight"]["0.0"][1]  # the prior fixes held-out areas
    assert 0.0 < ranker.offer_at <= ranker.answer_at <= ranker.out_of_scope_at <= 1.0
    right = dict(zip(routing.FEATURES, questions[0].features[0]))
    wrong = dict(zip(routing.FEATURES, questions[0].features[2]))
    assert ranker.probability(right) > ranker.probability(wrong)
