"""Which collection and areas each topical intent retrieves from."""
from __future__ import annotations

from dataclasses import dataclass

from knowledge_base.schema import Collection


@dataclass(frozen=True)
class Route:
    collection: Collection
    areas: frozenset[str]


ROUTES: dict[str, Route] = {
    "wage_arrears": Route(Collection.FAQ, frozenset({"wage_arrears", "legal_services"})),
    "elderly_services": Route(Collection.FAQ, frozenset({"elderly_services", "legal_services"})),
    "legal_services": Route(Collection.FAQ, frozenset({"legal_services", "wage_arrears", "elderly_services"})),
    "enterprise_risk": Route(Collection.GUIDE, frozenset({"enterprise_risk"})),
    "out_of_scope": Route(Collection.FAQ, frozenset({"other_topics"})),
    # A short form-style answer outside any form (「工伤」「包工头」) is taken as a keyword question.
    "inform": Route(Collection.FAQ, frozenset({"wage_arrears", "elderly_services", "legal_services"})),
}
