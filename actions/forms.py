"""Leaving forms cleanly: the generic ``stop`` action every form shares.

``action_stop_form`` ends whichever form is active, clears its required slots,
any helper slot named ``<name>_…`` for a form ``<name>_form``, and
``requested_slot``, and says so in one short line. Outside a form it just
acknowledges.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import render

STOPPED_TEXT = "好的，已取消，刚才填的信息已清除。您有其他问题可以直接问我，想重新开始随时说。"
NOTHING_TO_STOP_TEXT = "好的。您有其他问题可以直接问我。"


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


class ActionStopForm(Action):
    """「算了」「换个问题」: end the active form, forget its answers, confirm in one line."""

    def name(self) -> str:
        return "action_stop_form"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        form = tracker.active_loop.get("name")
        if not form:
            dispatcher.utter_message(text=NOTHING_TO_STOP_TEXT)
            return [ActiveLoop(None)]
        dispatcher.utter_message(text=STOPPED_TEXT, json_message=render.payload("form_stopped", "stop", []))
        return [ActiveLoop(None), *form_slot_resets(form, domain)]
