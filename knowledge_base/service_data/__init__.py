"""The curated data of the guided flows (wage plan, legal-aid check, mediation network): schemas, loaders, checks."""

from __future__ import annotations

from knowledge_base.statutes import StatuteCorpus
from knowledge_base.validator import Problem


def service_problems(corpus: StatuteCorpus) -> tuple[int, list[Problem]]:
    """How many citations the three service files hold, and every one that does not check out."""
    from knowledge_base.service_data.base import citation_problems, citations
    from knowledge_base.service_data.legal_aid import legal_aid_data
    from knowledge_base.service_data.mediation import mediation_data
    from knowledge_base.service_data.wage_plan import wage_plan

    loaded = {"legal_aid": legal_aid_data(), "mediation": mediation_data(), "wage_plan": wage_plan()}
    count = sum(len(citations(data, name)) for name, data in loaded.items())
    problems = [problem for name, data in loaded.items() for problem in citation_problems(data, name, corpus)]
    return count, problems
