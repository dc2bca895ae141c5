"""``knowledge_base/services/legal_aid.yml``: matters, exempt groups, hardship answers, materials and where to apply.

Each part carries the articles of the 法律援助法 it rests on; the legal-aid
check (``actions/legal_aid.py``) reads its questions and result from here.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, model_validator

from knowledge_base.schema import Citation
from knowledge_base.service_data.base import StrictModel, load_service

NO_GROUP = "none"
Basis = Literal["means_tested", "not_means_tested", "criminal_defence", "not_listed"]


class Matter(StrictModel):
    id: str
    label: str
    button: bool
    basis: Basis
    keywords: list[str] = Field(min_length=1)
    evidence: list[str] = Field(min_length=1)
    citations: list[Citation] = Field(min_length=1)
    notes: list[str] = Field(default_factory=list, description="the result's reasons for criminal defence")

    @model_validator(mode="after")
    def _criminal_defence_has_notes(self) -> "Matter":
        if self.basis == "criminal_defence" and not self.notes:
            raise ValueError(f"matter {self.id}: criminal defence needs notes explaining 第二十四、二十五、三十条")
        return self


class Group(StrictModel):
    id: str
    label: str
    applies_to: list[str] | None = None
    keywords: list[str] = Field(min_length=1)
    requires_any: list[str] | None = Field(
        default=None,
        min_length=1,
        description="typed words match the group only if one of these words is also in them (a button always does)",
    )
    proof: list[str]
    citations: list[Citation]

    def requirement_met(self, text: str) -> bool:
        """Whether ``text`` (spaces ignored) has one of ``requires_any``; always true without the condition."""
        squashed = "".join(text.split())
        return self.requires_any is None or any(word in squashed for word in self.requires_any)


class HardshipAnswer(StrictModel):
    id: Literal["yes", "unsure", "no"]
    label: str
    keywords: list[str] = Field(min_length=1)


class Hardship(StrictModel):
    answers: list[HardshipAnswer]
    proof: list[str] = Field(min_length=1)
    citations: list[Citation] = Field(min_length=1)


class Apply(StrictModel):
    where: str
    decision: str
    citations: list[Citation] = Field(min_length=1)


class LegalAidData(StrictModel):
    matters: list[Matter] = Field(min_length=1)
    groups: list[Group] = Field(min_length=1)
    hardship: Hardship
    materials: list[str] = Field(min_length=1)
    apply: Apply

    @model_validator(mode="after")
    def _references_resolve(self) -> "LegalAidData":
        matter_ids = [m.id for m in self.matters]
        group_ids = [g.id for g in self.groups]
        if len(set(matter_ids)) != len(matter_ids) or len(set(group_ids)) != len(group_ids):
            raise ValueError("matter and group ids must be unique")
        if NO_GROUP not in group_ids:
            raise ValueError(f"a group {NO_GROUP!r} (none of the exempt groups) is required")
        for group in self.groups:
            unknown = set(group.applies_to or []) - set(matter_ids)
            if unknown:
                raise ValueError(f"group {group.id} applies to unknown matters {sorted(unknown)}")
        return self

    def matter(self, matter_id: str | None) -> Matter | None:
        return next((m for m in self.matters if m.id == matter_id), None)

    def group(self, group_id: str | None) -> Group | None:
        return next((g for g in self.groups if g.id == group_id), None)


@lru_cache(maxsize=1)
def legal_aid_data() -> LegalAidData:
    return load_service("legal_aid", LegalAidData)
