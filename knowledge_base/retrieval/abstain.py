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
