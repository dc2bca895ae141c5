"""The questions of the wage-arrears triage form, each with its buttons and a hint for unclear answers.

Rasa asks for a slot with ``action_ask_<slot>``; one small action per slot
(an ``actions.forms.AskAction``) sends the question below (「还有别的证据吗」
offers the evidence not chosen yet). Button payloads are plain words that
``actions.wage_answers`` reads, so clicking and typing go the same way.
"""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.forms import AskAction
from actions.wage_answers import NO_EVIDENCE, evidence, evidence_labels

UNKNOWN_BUTTON = {"title": "记不清", "payload": "不清楚"}


def _buttons(*pairs: tuple[str, str]) -> list[dict]:
    return [{"title": title, "payload": payload} for title, payload in pairs]


QUESTIONS: dict[str, tuple[str, list[dict]]] = {
    "wage_triage_debtor": (
        "好的，我问您5个问题，再给您一份按顺序走的讨薪方案，随时可以说「算了」退出。\n第1问：欠您工资的是谁？",
        _buttons(
            ("公司或老板（直接雇我的）", "公司或老板"),
            ("工地包工头（建设工程）", "工地包工头"),
            ("没签劳动合同的雇主", "没签合同"),
        ),
    ),
    "wage_triage_duration": (
        "第2问：工资拖了多久了？比如「三个月」「半年」。",
        _buttons(("一个月左右", "一个月"), ("三个月左右", "三个月"), ("半年左右", "半年"), ("一年以上", "一年多"))
        + [UNKNOWN_BUTTON],
    ),
    "wage_triage_amount": ("第3问：大概欠您多少钱？比如「8000块」「两万多」，说个大概就行。", [UNKNOWN_BUTTON]),
    "wage_triage_evidence": (
        "第4问：您手里有哪些证据？可以一项一项点，也可以直接打字说几样，比如「工资条和聊天记录」。",
        _buttons(
            ("劳动合同", "劳动合同"),
            ("工资条/银行流水", "工资条"),
            ("考勤记录", "考勤记录"),
            ("聊天记录", "聊天记录"),
            ("欠条", "欠条"),
            ("都没有", "都没有"),
        ),
    ),
    "wage_triage_evidence_done": (
        "还有别的证据吗？（已选：{chosen}）可以接着点，没有了就点「没有了」。",
        [{"title": "没有了", "payload": "没有了"}],
    ),
    "wage_triage_migrant": ("第5问：您是进城务工人员（农民工）吗？", _buttons(("是", "是的"), ("不是", "不是"))),
}
HINTS = {
    "wage_triage_debtor": "请点选下面的一项，或说「公司」「包工头」「没签合同」。",
    "wage_triage_duration": "请说大概拖了多久，比如「三个月」「半年」，记不清也可以说「不清楚」。",
    "wage_triage_amount": "请说大概欠多少钱，比如「8000块」「两万多」，记不清也可以说「不清楚」。",
    "wage_triage_evidence": "请点选一项，或直接打字说有哪些，比如「工资条和聊天记录」；什么都没有就说「都没有」。",
    "wage_triage_evidence_done": "可以接着点选证据，没有了就点「没有了」。",
    "wage_triage_migrant": "请回答「是」或「不是」。",
}


class WageAskAction(AskAction):
    """Sends the question for ``slot`` from ``QUESTIONS``."""

    def question(self, tracker: Tracker) -> tuple[str, list[dict]]:
        return QUESTIONS[self.slot]


class ActionAskWageTriageDebtor(WageAskAction):
    slot = "wage_triage_debtor"


class ActionAskWageTriageDuration(WageAskAction):
    slot = "wage_triage_duration"


class ActionAskWageTriageAmount(WageAskAction):
    slot = "wage_triage_amount"


class ActionAskWageTriageEvidence(WageAskAction):
    slot = "wage_triage_evidence"


class ActionAskWageTriageEvidenceDone(WageAskAction):
    """「还有别的证据吗」 with the evidence not chosen yet as buttons."""

    slot = "wage_triage_evidence_done"

    def question(self, tracker: Tracker) -> tuple[str, list[dict]]:
        chosen = tracker.get_slot("wage_triage_evidence") or []
        text, done_button = QUESTIONS[self.slot]
        evidence_buttons = QUESTIONS["wage_triage_evidence"][1]
        remaining = [b for b in evidence_buttons if set(evidence(b["payload"]) or []) - {NO_EVIDENCE, *chosen}]
        return text.format(chosen=evidence_labels(chosen)), remaining + done_button


class ActionAskWageTriageMigrant(WageAskAction):
    slot = "wage_triage_migrant"
