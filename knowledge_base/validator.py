"""Check a knowledge base: citations resolve, quotes are verbatim, ids and questions unique, enough questions.

Used by ``farun kb validate``, by the tests and by the staff workflow (every
save checks the citations; submitting for review also needs at least
``MIN_QUESTIONS`` questions). Returns a list of problems, each in Chinese for
the staff who fix them; an empty list means the knowledge base is sound.
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
MIN_QUESTIONS = 3  # phrasings per entry, as knowledge_base/entries/README.md asks


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
        return f"法规“{citation.law}”不在法条库中"
    try:
        text = law.article(citation.article)
    except ValueError:
        return f"“{citation.article}”不是有效的条号"
    label = parse_article(citation.article).label()
    if text is None:
        return f"《{law.short_name}》没有{label}"
    if _squash(citation.quote) not in _squash(text):
        return f"引文“{citation.quote}”不在《{law.short_name}》{label}中"
    return None


def check_entry(entry: Entry, corpus: StatuteCorpus) -> list[Problem]:
    """Problems within one entry: its citations and the citations of its deadlines."""
    problems = []
    for citation in entry.citations + [deadline.citation for deadline in entry.deadlines]:
        reason = check_citation(citation, corpus)
        if reason:
            problems.append(Problem(entry.id, reason))
    return problems


def check_questions(entry: Entry) -> str | None:
    """Why an entry has too few questions to be published, or None."""
    if len(entry.questions) < MIN_QUESTIONS:
        return f"「用户问法」至少需要 {MIN_QUESTIONS} 条（现有 {len(entry.questions)} 条）"
    return None


def check_guide_shape(kb: KnowledgeBase, issues: int = GUIDE_ISSUES, items: int = GUIDE_ITEMS) -> list[Problem]:
    """The guide has issues 1..N, each with a theme and 2–3 items, adding up to ``items``."""
    problems = []
    per_issue = Counter(e.issue for e in kb.entries if e.collection is Collection.GUIDE)
    themes = Counter(issue.issue for issue in kb.issues)
    for number in range(1, issues + 1):
        if themes[number] != 1:
            problems.append(Problem(f"指引第{number}期", f"定义了 {themes[number]} 次，应为 1 次"))
        if not 2 <= per_issue[number] <= 3:
            problems.append(Problem(f"指引第{number}期", f"有 {per_issue[number]} 条，应为 2–3 条"))
    total = sum(per_issue.values())
    if total != items:
        problems.append(Problem("指引", f"共 {total} 条，应为 {items} 条"))
    return problems


def validate(kb: KnowledgeBase, corpus: StatuteCorpus, *, guide_complete: bool = True) -> list[Problem]:
    """Every problem in the knowledge base; ``guide_complete`` also checks the 68/169 shape."""
    problems: list[Problem] = []
    for entry_id, count in Counter(e.id for e in kb.entries).items():
        if count > 1:
            problems.append(Problem(entry_id, f"编号被使用了 {count} 次"))
    owners: dict[str, str] = {}
    for entry in kb.entries:
        if not entry.citations:
            problems.append(Problem(entry.id, "没有法条引用"))
        problems.extend(check_entry(entry, corpus))
        too_few = check_questions(entry)
        if too_few:
            problems.append(Problem(entry.id, too_few))
        for question in entry.questions:
            key = _squash(question)
            if key in owners and owners[key] != entry.id:
                problems.append(Problem(entry.id, f"问法“{question}”与条目 {owners[key]} 重复"))
            owners.setdefault(key, entry.id)
    if guide_complete:
        problems.extend(check_guide_shape(kb))
    return problems
