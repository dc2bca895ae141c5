"""The wage-arrears triage: read the form's answers, then compose a tailored, cited plan.

``wage_triage_form`` asks who owes the money, for how long, roughly how much,
what evidence the person has and whether they are a migrant worker.
``validate_wage_triage_form`` reads each answer from the text
(``actions.wage_answers``) and adds the months and yuan it names; a legal
question, 「算了」 or 「继续」 instead of an answer fills nothing, so the form
steps aside for the rules that answer the question or stop the form, and then
asks again. ``action_wage_triage_plan``
picks the steps of ``knowledge_base/services/wage_plan.yml`` whose conditions
hold, each with its statute, and ends with the next step and (once per
conversation) the disclaimer.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import payload, render, wage_answers
from actions.forms import INTERRUPTING_INTENTS, QUESTION_INTENTS, form_slot_resets, is_question, may_answer
from actions.wage_questions import HINTS
from knowledge_base.service_data.wage_plan import PlanStep, Situation, plan_steps, tailored_steps

FORM = "wage_triage_form"
EVIDENCE_DONE = "wage_triage_evidence_done"
DEBTOR_LABELS = {
    "employer": "公司或老板",
    "subcontractor": "工地包工头（建设工程）",
    "no_contract": "没签劳动合同的雇主",
}

FREE_TEXT_INTENTS = {"inform", "nlu_fallback"}
UNKNOWN_LABEL = "不清楚"


def _number(value: float) -> str:
    return f"{value:g}"


def situation_text(situation: Situation, duration: str | None, amount: str | None) -> str:
    months = f"约{_number(situation.months)}个月" if situation.months is not None else (duration or UNKNOWN_LABEL)
    yuan = f"约{_number(situation.yuan)}元" if situation.yuan is not None else (amount or UNKNOWN_LABEL)
    who = "进城务工人员" if situation.migrant else "非进城务工人员"
    return (
        f"您的情况：欠薪的是{DEBTOR_LABELS[situation.debtor]}；拖欠{months}；金额{yuan}；"
        f"证据：{wage_answers.evidence_labels(situation.evidence)}；{who}。"
    )


def plan_text(steps: list[PlanStep], header: str, with_disclaimer: bool) -> str:
    """Numbered steps, each with its statutes, then the next step; one utterance (no blank lines)."""
    lines = [header, "建议按这个顺序走："]
    for number, step in enumerate(steps, 1):
        lines.append(f"{number}. {step.text}")
        lines += render.cited_lines(step.citations, prefix="   依据：")
    next_step = next((step.next for step in steps if step.next), None)
    if next_step:
        lines.append(f"下一步：{next_step}")
    if with_disclaimer:
        lines.append(render.DISCLAIMER)
    return "\n".join(lines)


def read_answer(slot: str, text: str, intent: str | None, chosen: list[str] | None = None) -> dict[str, Any] | None:
    """What ``text`` fills for the asked ``slot``: ``{slot: value}``, ``{slot: None}`` when it is no valid
    answer, or None when it is not an answer at all (a question or a command the rules handle).
    Durations and amounts keep the person's words (or 「不清楚」); validation adds the number.
    ``chosen``: the evidence named so far, which 「还有别的证据吗」 adds to."""
    text = text.strip()
    if intent in INTERRUPTING_INTENTS:
        answer = read_answer(slot, text, None, chosen) if may_answer(intent, text) else None
        return answer if answer and all(value is not None for value in answer.values()) else None
    if intent in QUESTION_INTENTS and is_question(text):
        return None
    if slot == "wage_triage_evidence":
        return _read_evidence(text, intent, [])
    if slot == EVIDENCE_DONE:
        return _read_evidence(text, intent, chosen or [])
    if slot == "wage_triage_debtor":
        value: Any = wage_answers.debtor_type(text)
    elif slot == "wage_triage_migrant":
        value = wage_answers.yes_no(text)
    else:
        return _read_quantity(slot, text, intent)
    if value is not None:
        return {slot: value}
    return None if intent in QUESTION_INTENTS else {slot: None}


def _read_evidence(text: str, intent: str | None, chosen: list[str]) -> dict[str, Any] | None:
    """Evidence named in ``text`` added to ``chosen``, and whether the list is complete: one item clicked
    leaves it open (「还有别的证据吗」), several at once, 「都没有」 or 「就这些」 close it."""
    asked = EVIDENCE_DONE if chosen else "wage_triage_evidence"
    codes = wage_answers.evidence(text)
    if codes is None:
        if chosen and wage_answers.says_that_is_all(text):
            return {EVIDENCE_DONE: True}
        return None if intent in QUESTION_INTENTS else {asked: None}
    if chosen and codes == [wage_answers.NO_EVIDENCE]:
        return {EVIDENCE_DONE: True}
    found = set(chosen) | set(codes)
    merged = [code for code in (*wage_answers.EVIDENCE, wage_answers.NO_EVIDENCE) if code in found]
    done = (
        merged == [wage_answers.NO_EVIDENCE]
        or len(codes) > 1
        or len(merged) == len(wage_answers.EVIDENCE)
        or wage_answers.says_that_is_all(text)
    )
    return {"wage_triage_evidence": merged, EVIDENCE_DONE: True if done else None}


def _read_quantity(slot: str, text: str, intent: str | None) -> dict[str, Any] | None:
    """A duration or amount: counted, 「不清楚」, or (when NLU saw an answer) words about time or money."""
    duration = slot == "wage_triage_duration"
    count = wage_answers.duration_months if duration else wage_answers.amount_yuan
    if count(text) is not None:
        return {slot: text[:40]}
    if wage_answers.is_unknown(text):
        return {slot: UNKNOWN_LABEL}
    if intent in QUESTION_INTENTS:
        return None
    in_words = wage_answers.mentions_time if duration else wage_answers.mentions_money
    if intent in FREE_TEXT_INTENTS and in_words(text):
        return {slot: text[:40]}
    return {slot: None}


class ValidateWageTriageForm(FormValidationAction):
    """Reads the answer to the slot the form asked; other slots are left alone."""

    def name(self) -> str:
        return "validate_wage_triage_form"

    def _extract(self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != slot:
            return {}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        reading = read_answer(
            slot, tracker.latest_message.get("text") or "", intent, tracker.get_slot("wage_triage_evidence")
        )
        if reading is None:
            return {}
        if reading == {slot: None}:
            dispatcher.utter_message(text=f"抱歉，我没听明白。{HINTS[slot]}")
        return reading

    def extract_wage_triage_debtor(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> dict:
        return self._extract("wage_triage_debtor", dispatcher, tracker)

    def extract_wage_triage_duration(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> dict:
        return self._extract("wage_triage_duration", dispatcher, tracker)

    def extract_wage_triage_amount(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> dict:
        return self._extract("wage_triage_amount", dispatcher, tracker)

    def extract_wage_triage_evidence(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> dict:
        return self._extract("wage_triage_evidence", dispatcher, tracker)

    def extract_wage_triage_evidence_done(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict:
        return self._extract(EVIDENCE_DONE, dispatcher, tracker)

    def extract_wage_triage_migrant(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> dict:
        return self._extract("wage_triage_migrant", dispatcher, tracker)

    def validate_wage_triage_debtor(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict:
        return {"wage_triage_debtor": value if value in wage_answers.DEBTORS else None}

    def validate_wage_triage_duration(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict:
        return {"wage_triage_duration": value, "wage_triage_months": wage_answers.duration_months(value or "")}

    def validate_wage_triage_amount(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict:
        return {"wage_triage_amount": value, "wage_triage_yuan": wage_answers.amount_yuan(value or "")}

    def validate_wage_triage_evidence(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict:
        known = isinstance(value, list) and value and set(value) <= {*wage_answers.EVIDENCE, wage_answers.NO_EVIDENCE}
        return {"wage_triage_evidence": value if known else None}

    def validate_wage_triage_evidence_done(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict:
        return {EVIDENCE_DONE: True if value is True else None}

    def validate_wage_triage_migrant(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> dict:
        return {"wage_triage_migrant": value if isinstance(value, bool) else None}


class ActionWageTriagePlan(Action):
    """The tailored plan once the form is complete; clears the form's slots for a fresh start."""

    def name(self) -> str:
        return "action_wage_triage_plan"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        situation = Situation(
            debtor=tracker.get_slot("wage_triage_debtor"),
            months=tracker.get_slot("wage_triage_months"),
            yuan=tracker.get_slot("wage_triage_yuan"),
            evidence=tracker.get_slot("wage_triage_evidence") or [],
            migrant=tracker.get_slot("wage_triage_migrant"),
        )
        steps = tailored_steps(situation, plan_steps())
        header = situation_text(
            situation, tracker.get_slot("wage_triage_duration"), tracker.get_slot("wage_triage_amount")
        )
        first = not tracker.get_slot("disclaimer_shown")
        reply = payload.build(
            "plan", "wage_plan", [], citations=render.citation_records([c for step in steps for c in step.citations])
        )
        dispatcher.utter_message(text=plan_text(steps, header, with_disclaimer=first), json_message=reply)
        return [SlotSet("disclaimer_shown", True), *form_slot_resets(FORM, domain)]
