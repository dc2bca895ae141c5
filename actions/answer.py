"""Actions that answer from the knowledge base, refer out-of-scope questions and fall back.

``action_answer_question`` retrieves from the collection the intent routes to
(resident FAQ or enterprise guide); below the calibrated confidence it
abstains with a referral, and when the two best entries are too close it
offers both as buttons. The first legal answer of a conversation carries the
disclaimer; later ones do not repeat it. Each answer offers 有用 / 没用
feedback buttons (wage answers also a button to the step-by-step plan);
``action_answer_entry`` answers the entry a did-you-mean
button (or 「第一个」「第二个」) picked.
"""
from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import legal_aid, mediation, render
from actions.feedback import feedback_buttons
from actions.handoff import handoff_text, record_handoff
from actions.knowledge import knowledge_base, retriever
from actions.routing import ROUTES
from knowledge_base.schema import Entry

HANDOFF_AFTER_FALLBACKS = 2
WAGE_PLAN_BUTTONS = [{"title": "帮我梳理讨薪步骤", "payload": "/wage_plan"}]
# Answers about getting unpaid pay back lead on to the wage triage (not, say, probation or dismissal rules).
WAGE_PLAN_ENTRY_PREFIXES = ("wage-", "labour-last-wage", "labour-complaint", "labour-arbitration", "labour-payment-order",
                            "labour-wage-crime", "labour-legal-aid-migrant", "labour-evidence")


def _choice_payload(entry_id: str) -> str:
    return "/choose_entry" + json.dumps({"entry_id": entry_id})


def _user_text(tracker: Tracker) -> str:
    return (tracker.latest_message.get("text") or "").strip()


def _intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def follow_up_buttons(entry: Entry) -> list[dict]:
    """The guided flow an answer leads on to: the wage plan, the legal-aid check or mediation routing."""
    if entry.id.startswith(WAGE_PLAN_ENTRY_PREFIXES):
        return WAGE_PLAN_BUTTONS
    if entry.id.startswith(legal_aid.FAQ_ENTRY_PREFIXES):
        return legal_aid.START_BUTTONS
    if entry.id.startswith(mediation.FAQ_ENTRY_PREFIXES):
        return mediation.START_BUTTONS
    return []


def answer_entry(dispatcher: CollectingDispatcher, tracker: Tracker, entry: Entry, score: float | None,
                 question: str | None) -> list:
    """Send ``entry`` as the answer (disclaimer the first time) with feedback buttons."""
    first_answer = not tracker.get_slot("disclaimer_shown")
    dispatcher.utter_message(text=render.answer_text(entry, with_disclaimer=first_answer),
                             buttons=feedback_buttons() + follow_up_buttons(entry),
                             json_message=render.payload("answer", _intent(tracker), [entry],
                                                         [score] if score is not None else []))
    return [SlotSet("disclaimer_shown", True), SlotSet("fallback_count", 0),
            SlotSet("last_entry_id", entry.id), SlotSet("last_question", question)]


class ActionAnswerQuestion(Action):
    def name(self) -> str:
        return "action_answer_question"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        intent = _intent(tracker)
        route = ROUTES.get(intent or "", ROUTES["wage_arrears"])
        result = retriever().search(_user_text(tracker), route.collection, k=3, areas=set(route.areas))
        if not result.confident:
            dispatcher.utter_message(text=render.abstain_text(),
                                     json_message=render.payload("abstain", intent, [], [],
                                                                 candidates=render.candidates(result.hits)))
            return [SlotSet("fallback_count", 0)]
        if result.ambiguous:
            first, second = result.hits[:2]
            dispatcher.utter_message(
                text="您想问的是哪一个？请点选：",
                buttons=[{"title": hit.entry.title, "payload": _choice_payload(hit.entry.id)} for hit in (first, second)],
                json_message=render.payload("did_you_mean", intent, [first.entry, second.entry],
                                            [first.dense, second.dense]))
            return [SlotSet("fallback_count", 0), SlotSet("offered_entry_ids", [first.entry.id, second.entry.id]),
                    SlotSet("last_question", _user_text(tracker))]
        best = result.hits[0]
        return answer_entry(dispatcher, tracker, best.entry, best.dense, _user_text(tracker))


_ORDINALS = (("第一", "1", "前", "上"), ("第二", "2", "后", "下"))


def chosen_entry_id(entity_value: str | None, text: str, offered: list[str]) -> str | None:
    """The entry a button named, else the one 「第一个」/「第二个」 points to among those offered."""
    if entity_value:
        return entity_value
    for position, words in enumerate(_ORDINALS):
        if position < len(offered) and any(word in text for word in words):
            return offered[position]
    return None


class ActionAnswerEntry(Action):
    """Answer the entry the user picked from a did-you-mean offer."""

    def name(self) -> str:
        return "action_answer_entry"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        entry_id = chosen_entry_id(tracker.get_slot("entry_id"), _user_text(tracker),
                                   tracker.get_slot("offered_entry_ids") or [])
        entry = knowledge_base().by_id().get(entry_id or "")
        if entry is None:
            dispatcher.utter_message(text="抱歉，没有找到您选的条目。请直接说说您想问的问题。",
                                     json_message=render.payload("rephrase", _intent(tracker), []))
            return [SlotSet("entry_id", None)]
        return answer_entry(dispatcher, tracker, entry, None, tracker.get_slot("last_question")) + \
            [SlotSet("entry_id", None), SlotSet("offered_entry_ids", None)]


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
    """Ask to rephrase; after repeated misunderstandings, offer people instead.

    Also Rasa's core fallback (no policy sure of the next action): it always
    ends the bot's turn with ``action_listen``, so it can never repeat itself.
    """

    def name(self) -> str:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        count = int(tracker.get_slot("fallback_count") or 0) + 1
        if count >= HANDOFF_AFTER_FALLBACKS:
            record_handoff(tracker, "repeated_fallback", _user_text(tracker))
            dispatcher.utter_message(text=handoff_text("看来我没能理解您的问题，建议您直接找人工帮助。"),
                                     json_message=render.payload("handoff", _intent(tracker), []))
            return [SlotSet("fallback_count", 0), FollowupAction("action_listen")]
        dispatcher.utter_message(text=render.rephrase_text(), json_message=render.payload("rephrase", _intent(tracker), []))
        return [SlotSet("fallback_count", count), FollowupAction("action_listen")]

