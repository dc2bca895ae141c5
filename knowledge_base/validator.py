"""Check a knowledge base: citations resolve, quotes are verbatim, ids and questions unique.

Used by ``farun kb validate``, by the tests and (later) by the staff editor
before an entry can be submitted. Returns a list of problems; an empty list
means the knowledge base is sound.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from knowledge_base.loader import KnowledgeBase
from knowledge_base.numerals import parse_article
from knowledge_base.schema import Citation, Collection, Entry
from knowledge_base.statutes import StatuteCorpus

GUIDE_ISSUES = 68
GUIDE_ITEMS = 169


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _squash(text: str) -> str:
    return "".join(text.split())


def check_citation(citation: Citation, corpus: StatuteCorpus) -> str | None:
    """Why a citation is wrong, or None when law, article and quote all check out."""
    law = corpus.find(citation.law)
    if law is None:
        return f"law {citation.law!r} is not in the statute corpus"
    try:
        text = law.article(citation.article)
    except ValueError:
        return f"{citation.article!r} is not an article number"
    if text is None:
        return f"{law.short_name} has no {parse_article(citation.article).label()}"
    if _squash(citation.quote) not in _squash(text):
        return f"quote {citation.quote!r} is not in {law.short_name} {parse_article(citation.article).label()}"
    return None


def check_entry(entry: Entry, corpus: StatuteCorpus) -> list[Problem]:
    """Problems within one entry: its citations."""
    problems = []
    for citation in entry.citations:
        reason = check_citation(citation, corpus)
        if reason:
            problems.append(Problem(entry.id, reason))
    return problems


def check_guide_shape(kb: KnowledgeBase, issues: int = GUIDE_ISSUES, items: int = GUIDE_ITEMS) -> list[Problem]:
    """The guide has issues 1..N, each with a theme and 2–3 items, adding up to ``items``."""
    problems = []
    per_issue = Counter(e.issue for e in kb.entries if e.collection is Collection.GUIDE)
    themes = Counter(issue.issue for issue in kb.issues)
    for number in range(1, issues + 1):
        if themes[number] != 1:
            problems.append(Problem(f"guide 第{number}期", f"defined {themes[number]} times, expected once"))
        if not 2 <= per_issue[number] <= 3:
            problems.append(Problem(f"guide 第{number}期", f"has {per_issue[number]} items, expected 2–3"))
    total = sum(per_issue.values())
    if total != items:
        problems.append(Problem("guide", f"has {total} items, expected {items}"))
    return problems


def validate(kb: KnowledgeBase, corpus: StatuteCorpus, *, guide_complete: bool = True) -> list[Problem]:
    """Every problem in the knowledge base; ``guide_complete`` also checks the 68/169 shape."""
    problems: list[Problem] = []
    for entry_id, count in Counter(e.id for e in kb.entries).items():
        if count > 1:
            problems.append(Problem(entry_id, f"id used {count} times"))
    owners: dict[str, str] = {}
    for entry in kb.entries:
        if not entry.citations:
            problems.append(Problem(entry.id, "has no citation"))
        problems.extend(check_entry(entry, corpus))
        for question in entry.questions:
            key = _squash(question)
            if key in owners and owners[key] != entry.id:
                problems.append(Problem(entry.id, f"question {question!r} also belongs to {owners[key]}"))
            owners.setdefault(key, entry.id)
    if guide_complete:
        problems.extend(check_guide_shape(kb))
    return problems
