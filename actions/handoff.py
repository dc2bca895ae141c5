"""Human handoff: offer the people who can help and record the request for staff.

Used when the user asks for a person (「转人工」「找律师」) and by the fallback
after repeated misunderstandings. The request's reason and the last question
asked travel in the reply payload; the API stores them, masked, with the turn
and makes a request in the staff queue (api/curation/handoffs.py). Only then
does the API add to this text what happens next (staff hours) and the offer to
leave a phone number for a call-back, so the reply never promises a follow-up
that was not recorded.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import payload

HANDOFF_OPTIONS = [
    "找您所在村（社区）的法律顾问当面咨询，每个村、社区都有",
    "拨打12348公共法律服务热线，有律师值班解答",
    "带上身份证和相关材料，到区法律援助中心当面咨询或申请法律援助",
]


def handoff_text(reason: str) -> str:
    steps = "\n".join(f"{i}. {step}" for i, step in enumerate(HANDOFF_OPTIONS, 1))
    return f"{reason}\n您可以：\n{steps}"


def user_texts(tracker: Tracker) -> list[str]:
    """The user's typed messages so far, oldest first (button payloads left out)."""
    texts = [(event.get("text") or "").strip() for event in tracker.events if event.get("event") == "user"]
    return [text for text in texts if text and not text.startswith("/")]


def handoff_payload(intent: str | None, reason: str, question: str | None) -> dict:
    """The reply payload of a handoff: why, and the question the person needed help with."""
    return payload.build("handoff", intent, [], reason=reason, last_question=question)


def previous_question(tracker: Tracker) -> str | None:
    """The user's last typed message before the current one (the handoff request itself)."""
    texts = user_texts(tracker)
    return texts[-2] if len(texts) >= 2 else None


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        dispatcher.utter_message(
            text=handoff_text("好的，为您转人工。"),
            json_message=handoff_payload("handoff", "requested", previous_question(tracker)),
        )
        return [SlotSet("fallback_count", 0)]
