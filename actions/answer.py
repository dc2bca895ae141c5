"""Actions that answer from the knowledge base, refer out-of-scope questions and fall back.

``action_answer_question`` retrieves from the collection the intent routes to
(resident FAQ or enterprise guide); below the calibrated confidence it
abstains with a referral, and when the two best entries are too close it
offers both as buttons. The first legal answer of a conversation carries the
disclaimer; later ones do not repeat it.
"""
from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import render
from actions.knowledge import retriever
from actions.routing import ROUTES

HANDOFF_AFTER_FALLBACKS = 2


def _choice_payload(entry_id: str) -> str:
    return "/choose_entry" + json.dumps({"entry_id": entry_id})


def _user_text(tracker: Tracker) -> str:
    return (tracker.latest_message.get("text") or "").strip()


def _intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


class ActionAnswerQuestion(Action):
    def name(self) -> str:
        return "action_answer_question"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        intent = _intent(tracker)
        route = ROUTES.get(intent or "", ROUTES["wage_arrears"])
        result = retriever().search(_user_text(tracker), route.collection, k=3, areas=set(route.areas))
        if not result.confident:
            dispatcher.utter_message(text=render.abstain_text(),
                                     json_message=render.payload("abstain", intent, [], []))
            return [SlotSet("fallback_count", 0)]
        if result.ambiguous:
            first, second = result.hits[:2]
            dispatcher.utter_message(
                text="您想问的是哪一个？请点选：",
                buttons=[{"title": hit.entry.title, "payload": _choice_payload(hit.entry.id)} for hit in (first, second)],
                json_message=render.payload("did_you_mean", intent, [first.entry, second.entry],
                                            [first.dense, second.dense]))
            return [SlotSet("fallback_count", 0)]
        best = result.hits[0]
        first_answer = not tracker.get_slot("disclaimer_shown")
        dispatcher.utter_message(text=render.answer_text(best.entry, with_disclaimer=first_answer),
                                 json_message=render.payload("answer", intent, [best.entry], [best.dense]))
        return [SlotSet("disclaimer_shown", True), SlotSet("fallback_count", 0)]


class ActionReferOutOfScope(Action):
    """Say what the bot covers and where to go; add a short orientation when one matches well."""

    def name(self) -> str:
        return "action_refer_out_of_scope"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        route = ROUTES["out_of_scope"]
        result = retriever().search(_user_text(tracker), route.collection, k=1, areas=set(route.areas))
        entries = [result.best.entry] if result.confident and result.best else []
        text = render.out_of_scope_text()
        if entries:
            text = f"{text}\n先给您一点参考：\n{render.answer_text(entries[0], with_disclaimer=True)}"
        dispatcher.utter_message(text=text, json_message=render.payload("referral", "out_of_scope", entries,
                                                                         [result.best.dense] if entries else []))
        return [SlotSet("fallback_count", 0)]


class ActionFallback(Action):
    """Ask to rephrase; after repeated misunderstandings, offer people instead."""

    def name(self) -> str:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        count = int(tracker.get_slot("fallback_count") or 0) + 1
        if count >= HANDOFF_AFTER_FALLBACKS:
            dispatcher.utter_message(text=render.referral_text("看来我没能理解您的问题，建议您直接找人工帮助。"),
                                     json_message=render.payload("handoff", _intent(tracker), []))
            return [SlotSet("fallback_count", 0)]
        dispatcher.utter_message(text=render.rephrase_text(), json_message=render.payload("rephrase", _intent(tracker), []))
        return [SlotSet("fallback_count", count)]

