"""``knowledge_base/services/wage_plan.yml``: the steps of the wage-arrears plan, each with its condition and statute.

``Situation`` holds the triage form's answers; ``tailored_steps`` keeps the
steps whose conditions hold for it (``actions/wage_triage.py`` renders them).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, Field

from knowledge_base.schema import Citation
from knowledge_base.service_data.base import StrictModel, load_service

Debtor = Literal["employer", "subcontractor", "no_contract"]
EvidenceCode = Literal["contract", "payslip", "attendance", "chat", "iou"]


class StepCondition(StrictModel):
    debtor: list[Debtor] | None = None
    migrant: bool | None = None
    evidence_any: list[EvidenceCode] | None = None
    evidence_none: list[EvidenceCode] | None = None
    min_months: float | None = None


class Situation(BaseModel):
    """The form's answers, as the plan needs them."""

    debtor: Debtor
    months: float | None = None
    yuan: float | None = None
    evidence: list[str] = []
    migrant: bool

    def meets(self, when: StepCondition) -> bool:
        return (
            (when.debtor is None or self.debtor in when.debtor)
            and (when.migrant is None or self.migrant == when.migrant)
            and (when.evidence_any is None or bool(set(when.evidence_any) & set(self.evidence)))
            and (when.evidence_none is None or not set(when.evidence_none) & set(self.evidence))
            and (when.min_months is None or (self.months is not None and self.months >= when.min_months))
        )


class PlanStep(StrictModel):
    text: str
    when: StepCondition = StepCondition()
    next: str | None = None
    citations: list[Citation] = Field(min_length=1)


class WagePlan(StrictModel):
    """``knowledge_base/services/wage_plan.yml``: every step of the plan, in order."""

    steps: list[PlanStep] = Field(min_length=1)


@lru_cache(maxsize=1)
def wage_plan() -> WagePlan:
    return load_service("wage_plan", WagePlan)


def plan_steps() -> list[PlanStep]:
    return wage_plan().steps


def tailored_steps(situation: Situation, steps: list[PlanStep]) -> list[PlanStep]:
    return [step for step in steps if situation.meets(step.when)]
