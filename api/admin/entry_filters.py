"""Which entries the admin entry list shows: area, side, 待补法条 and a search through the entry's own words.

The search box looks through an entry's id, title, one-sentence answer, every
question and its answer (a guide item's risk, prevention and example case);
every word typed (words separated by spaces) must appear, letter case aside.
An empty filter does not filter. The state filter is applied by the database
query of the page itself.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from knowledge_base.schema import Side
from knowledge_base.store.models import EntryRow

SEARCHED_TEXTS = ("title", "summary", "answer", "risk", "prevention", "case")


def searched_text(row: EntryRow) -> str:
    """Everything the search box looks through, lower-cased."""
    texts = [row.slug, *(row.data.get(key) or "" for key in SEARCHED_TEXTS), *row.data.get("questions", [])]
    return " ".join(texts).lower()


@dataclass(frozen=True)
class EntryFilters:
    q: str = ""
    state: str = ""
    area: str = ""
    side: str = ""
    needs_citation: str = ""  # non-empty: only entries with a rule still waiting for its article

    def params(self) -> dict[str, str]:
        """The filters as query parameters for the page links (empty ones are dropped there)."""
        return asdict(self)

    def keeps(self, row: EntryRow) -> bool:
        data = row.data
        if self.area and data.get("area") != self.area:
            return False
        if self.side and data.get("side", Side.ANY.value) != self.side:
            return False
        if self.needs_citation and not data.get("needs_citation"):
            return False
        words = self.q.lower().split()
        return not words or all(word in searched_text(row) for word in words)
