"""Unit tests for the citations in the curated service files: one check for every file under knowledge_base/services.

Each service (wage-arrears plan, legal-aid check, mediation routing) is loaded
through its action's loader, and every ``Citation`` inside it must name a law
and article of the statute corpus and quote it verbatim in at most 40 characters.
"""

from __future__ import annotations

import pytest

from knowledge_base.schema import Citation
from knowledge_base.service_data.base import SERVICES_DIR, citation_problems, citations
from knowledge_base.service_data.legal_aid import legal_aid_data
from knowledge_base.service_data.mediation import mediation_data
from knowledge_base.service_data.wage_plan import wage_plan

# service file name -> (loader, fewest citations it holds)
SERVICES = {"wage_plan": (wage_plan, 10), "legal_aid": (legal_aid_data, 20), "mediation": (mediation_data, 3)}


def test_every_service_file_is_checked():
    assert {path.stem for path in SERVICES_DIR.glob("*.yml")} == set(SERVICES)


@pytest.mark.parametrize("name", SERVICES)
def test_every_citation_is_verbatim_and_short(name, corpus):
    load, fewest = SERVICES[name]
    data = load()
    found = citations(data, name)
    assert len(found) >= fewest
    assert citation_problems(data, name, corpus) == []
    assert all(len(citation.quote) <= 40 for _, citation in found)


def test_a_wrong_quote_is_reported(corpus):
    broken = legal_aid_data().model_copy(deep=True)
    broken.matters[0].citations[0] = Citation(law="法律援助法", article="第三十一条", quote="请求给付生活费和零花钱")
    problems = citation_problems(broken, "legal_aid", corpus)
    assert [p.where for p in problems] == ["legal_aid.matters[0].citations[0]"]
