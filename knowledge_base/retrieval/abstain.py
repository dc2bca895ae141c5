"""When retrieval is not sure: a calibrated confidence threshold and a did-you-mean margin.

The confidence of a hit is the cosine similarity between the query and the
closest question phrasing of its entry. Below ``threshold`` the bot abstains
and refers the user onward; when the two best entries are within ``margin``
of each other, and BM25 does not settle it, it offers both instead of guessing. The defaults were chosen on
the paraphrase test set (``make eval`` draws the curve).
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge_base.settings import abstain_threshold, didyoumean_margin

DEFAULT_THRESHOLD = abstain_threshold()
DEFAULT_MARGIN = didyoumean_margin()


@dataclass(frozen=True)
class AbstainPolicy:
    threshold: float = DEFAULT_THRESHOLD
    margin: float = DEFAULT_MARGIN

    def confident(self, confidences: list[float]) -> bool:
        """``confidences`` are those of the ranked hits, best-ranked first."""
        return bool(confidences) and confidences[0] >= self.threshold

    def ambiguous(self, confidences: list[float], keyword_scores: list[float]) -> bool:
        """The two best-ranked hits are both above the threshold, within ``margin`` of each
        other, and the keyword scores do not back the dense order — too close to pick one."""
        if len(confidences) < 2 or min(confidences[:2]) < self.threshold:
            return False
        if abs(confidences[0] - confidences[1]) >= self.margin:
            return False
        dense_prefers_first = confidences[0] >= confidences[1]
        keyword_prefers_first = keyword_scores[0] > keyword_scores[1]
        return not (dense_prefers_first and keyword_prefers_first)


SCORE_LISTS = ("dense", "second_dense", "answer_dense", "keyword")
RANK_LISTS = {"dense": "dense", "second_dense": "second", "answer_dense": "answer", "keyword": "keyword"}


def confidence_features(hits: list) -> dict[str, float]:
    """Features of a ranked hit list (``pipeline.Hit``, best first) for a calibrated abstain model.

    For each list (``dense``: primary cosine, ``second_dense``: second model's cosine,
    ``answer_dense``: cosine to answer texts, ``keyword``: BM25) and for the fused score:
    the top hit's score (``top_*``), the best score among the hits (``max_*``) and the
    gap between the two best scores among the hits (``gap_*``); ``agree`` counts the
    lists whose own first entry is the top hit and ``lists`` the lists that ranked
    anything. Ask for enough hits (say 10) that each list's best two are among them.
    """
    features: dict[str, float] = {}
    for name in (*SCORE_LISTS, "fused"):
        scores = sorted((float(getattr(hit, name, 0.0)) for hit in hits), reverse=True)
        features[f"top_{name}"] = float(getattr(hits[0], name, 0.0)) if hits else 0.0
        features[f"max_{name}"] = scores[0] if scores else 0.0
        features[f"gap_{name}"] = scores[0] - scores[1] if len(scores) > 1 else (scores[0] if scores else 0.0)
    ranked = {RANK_LISTS[name] for hit in hits for name in SCORE_LISTS if RANK_LISTS[name] in getattr(hit, "ranks", {})}
    first = getattr(hits[0], "ranks", {}) if hits else {}
    features["agree"] = float(sum(1 for name in ranked if first.get(name) == 1))
    features["lists"] = float(len(ranked))
    return features
