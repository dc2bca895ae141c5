"""Feedback on an answer: 有用 / 没用, recorded with the entry and the question it answered.

The answer action offers the two buttons (``/feedback{"feedback_value": ...}``)
and remembers the answered entry and question in slots; this action replies
with them in its payload, which the API stores with the turn (a 没用 lands in
the staff's unanswered queue). Typed feedback (「有用」「没用」) works too.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import payload
from actions.payload import NOT_USEFUL, USEFUL

_NEGATIVE_WORDS = ("没用", "没有用", "不管用", "没帮助", "没有帮助", "没帮上", "不对", "不行", "看不懂", "没解决")


def feedback_buttons() -> list[dict]:
    return [
        {"title": "有用", "payload": '/feedback{"feedback_value": "%s"}' % USEFUL},
        {"title": "没用", "payload": '/feedback{"feedback_value": "%s"}' % NOT_USEFUL},
    ]


def feedback_value(slot_value: str | None, text: str) -> str:
    """The button's value, else read from typed text (negative words mean 没用)."""
    if slot_value in (USEFUL, NOT_USEFUL):
        return slot_value
    return NOT_USEFUL if any(word in text for word in _NEGATIVE_WORDS) else USEFUL


class ActionRecordFeedback(Action):
    def name(self) -> str:
        return "action_record_feedback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        value = feedback_value(tracker.get_slot("feedback_value"), tracker.latest_message.get("text") or "")
        entry_id, question = tracker.get_slot("last_entry_id"), tracker.get_slot("last_question")
        text = (
            "谢谢反馈！" if value == USEFUL else "谢谢反馈！抱歉没能帮上忙，您可以换个说法再问，或拨打12348找人工咨询。"
        )
        dispatcher.utter_message(
            text=text,
            json_message=payload.build("feedback", "feedback", [], value=value, entry_id=entry_id, question=question),
        )
        return [SlotSet("feedback_value", None)]
