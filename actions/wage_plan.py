"""The wage-arrears action plan: ordered steps, each citing its statute, from curated data.

Steps live in ``knowledge_base/services/wage_plan.yml``; a step may apply only
to a situation (who owes the money, whether the person is a migrant worker);
the reply shows every step and names the situation before a conditional one.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import render

PLAN_FILE = Path(__file__).resolve().parent.parent / "knowledge_base" / "services" / "wage_plan.yml"
Debtor = Literal["employer", "contractor", "no_contract"]
CONDITION_LABELS = {"contractor": "工程项目上包工头欠薪的", "no_contract": "没签劳动合同的", "migrant": "进城务工人员"}


class PlanCitation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    law: str
    article: str
    quote: str = Field(min_length=4)


class PlanCondition(BaseModel):
    model_config = ConfigDict(extra="forbid")
    debtor: Debtor | None = None
    migrant: bool | None = None


class PlanStep(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str
    when: PlanCondition = PlanCondition()
    citations: list[PlanCitation] = Field(min_length=1)

    def condition_label(self) -> str | None:
        if self.when.debtor:
            return CONDITION_LABELS[self.when.debtor]
        return CONDITION_LABELS["migrant"] if self.when.migrant else None


@lru_cache(maxsize=1)
def plan_steps(path: Path = PLAN_FILE) -> list[PlanStep]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [PlanStep.model_validate(step) for step in data["steps"]]


def plan_text(steps: list[PlanStep]) -> str:
    lines = ["讨薪可以按这个顺序走："]
    for number, step in enumerate(steps, 1):
        label = step.condition_label()
        prefix = f"（{label}）" if label else ""
        lines.append(f"{number}. {prefix}{step.text}")
        lines += [f"   依据：《{c.law}》{c.article}：“{c.quote}”" for c in step.citations]
    lines.append(render.DISCLAIMER)
    return "\n".join(lines)


class ActionWagePlan(Action):
    def name(self) -> str:
        return "action_wage_plan"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        steps = plan_steps()
        citations = [render.citation_record(c.law, c.article, c.quote) for step in steps for c in step.citations]
        dispatcher.utter_message(text=plan_text(steps),
                                 json_message={"farun": {"kind": "plan", "intent": "wage_plan", "entry_ids": [],
                                                         "scores": [], "citations": citations}})
        return []
