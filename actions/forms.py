"""What every form shares: the interruption vocabulary, asking a question with buttons, stopping.

``INTERRUPTING_INTENTS`` are never an answer (commands, buttons, greetings)
and ``QUESTION_INTENTS`` are questions the bot answers mid-form: a form's
extractor fills nothing for them, so the rules answer or stop and the form
asks again. ``AskAction`` is the base of the forms' ``action_ask_<slot>``
actions. ``action_stop_form`` ends whichever form is active, clears its
required slots, any helper slot named ``<name>_…`` for a form
``<name>_form``, and ``requested_slot``, and says so in one short line;
outside a form it just acknowledges.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import payload

STOPPED_TEXT = "好的，已取消，刚才填的信息已清除。您有其他问题可以直接问我，想重新开始随时说。"
NOTHING_TO_STOP_TEXT = "好的。您有其他问题可以直接问我。"
# Intents that are never an answer (commands, buttons, greetings), and intents of questions the bot
# answers mid-form; each form's rules (e.g. bot/data/rules/wage_triage.yml) handle them while it is active.
INTERRUPTING_INTENTS = {
    "stop",
    "resume",
    "wage_plan",
    "overlong_message",
    "empty_message",
    "feedback",
    "choose_entry",
    "elderly_menu",
    "guide_browse",
    "greet",
    "thanks",
}
QUESTION_INTENTS = {
    "wage_arrears",
    "elderly_services",
    "enterprise_risk",
    "legal_services",
    "article_lookup",
    "out_of_scope",
    "bot_challenge",
    "handoff",
}
# Typed messages NLU gives one of these intents still answer the form when they read as an answer
# (「搞装修的那个工头欠的」 taken for choose_entry, 「好的 是」 for thanks); their buttons never do.
SOFT_INTERRUPTIONS = {"choose_entry", "elderly_menu", "guide_browse", "greet", "thanks"}
_QUESTION_MARKERS = re.compile(r"[?？吗呢]|怎么|怎样|如何|哪里|能不能|可不可以|是不是|要不要|有没有用")


def is_question(text: str) -> bool:
    """「劳动仲裁要交钱吗」: the text reads as a question rather than an answer."""
    return bool(_QUESTION_MARKERS.search(text))


def may_answer(intent: str | None, text: str) -> bool:
    """Whether a message of an interrupting ``intent`` may still be an answer: typed, and a soft interruption."""
    return intent in SOFT_INTERRUPTIONS and not text.lstrip().startswith("/")


def slot_prefix(form: str) -> str:
    """``wage_triage_form`` -> ``wage_triage_``."""
    return form.removesuffix("_form") + "_"


def form_slot_resets(form: str, domain: dict[str, Any]) -> list[EventType]:
    """``SlotSet(None)`` for the form's required slots, any other slot named by the convention, and
    ``requested_slot``."""
    required = domain.get("forms", {}).get(form, {}).get("required_slots", [])
    prefixed = [name for name in domain.get("slots", {}) if name.startswith(slot_prefix(form))]
    names = list(dict.fromkeys([*required, *prefixed]))
    return [SlotSet(name, None) for name in names] + [SlotSet("requested_slot", None)]


class AskAction(Action, ABC):
    """Asks for ``slot`` (``action_ask_<slot>``): the question and its buttons, marked as a form question."""

    @property
    @abstractmethod
    def slot(self) -> str: ...

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    @abstractmethod
    def question(self, tracker: Tracker) -> tuple[str, list[dict]]:
        """The question's text and buttons."""

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        text, buttons = self.question(tracker)
        dispatcher.utter_message(text=text, buttons=buttons, json_message=payload.build("question", None, []))
        return []


class ActionStopForm(Action):
    """「算了」「换个问题」: end the active form, forget its answers, confirm in one line."""

    def name(self) -> str:
        return "action_stop_form"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        form = tracker.active_loop.get("name")
        if not form:
            dispatcher.utter_message(text=NOTHING_TO_STOP_TEXT)
            return [ActiveLoop(None)]
        dispatcher.utter_message(text=STOPPED_TEXT, json_message=payload.build("form_stopped", "stop", []))
        return [ActiveLoop(None), *form_slot_resets(form, domain)]
