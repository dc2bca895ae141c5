"""Map a form answer — a button's entity or the user's own words — to one of the form's curated options.

Button payloads carry the option id as an entity named after the slot
(``/legal_aid_check{"legal_aid_matter": "labour_pay"}``); typed answers are matched
against each option's keywords, the longest keyword found wins. An answer that
matches nothing is ``UNCLEAR`` (the form re-asks with buttons) unless NLU
recognised a question the bot answers (a question-like message of such an
intent is taken as a question even when it contains a keyword). 「算了」「继续」,
buttons and the start of another flow are never an answer; a typed message NLU
took for a greeting or a choice is one only when an option matches. When
nothing is extracted, the form is rejected and the rules answer the question
or stop the form (the intent sets are the forms' shared ones in
``actions.forms``). ``option_button`` makes the buttons and ``accept`` re-asks
an ``UNCLEAR`` answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.forms import INTERRUPTING_INTENTS, QUESTION_INTENTS, is_question, may_answer

UNCLEAR = "__unclear__"
REQUESTED_SLOT = "requested_slot"
# Intents that start a guided flow: asking for another flow mid-form hands over to it.
FLOW_INTENTS = {"legal_aid_check", "mediation_routing"}


class Option(Protocol):
    id: str
    keywords: list[str]


def _found(keyword: str, text: str) -> bool:
    """``keyword`` in ``text``; a keyword written ``^不是`` only at the start (so 「是不是」 is no 「不是」)."""
    return text.startswith(keyword[1:]) if keyword.startswith("^") else keyword in text


def best_option(text: str, options: Iterable[Option]) -> str | None:
    """The id of the option with the longest keyword in ``text`` (the earlier option on a tie)."""
    squashed = "".join(text.split())
    best, length = None, 0
    for option in options:
        for keyword in option.keywords:
            size = len(keyword.lstrip("^"))
            if size > length and _found(keyword, squashed):
                best, length = option.id, size
    return best


def option_button(flow_intent: str, slot: str, option_id: str, title: str) -> dict:
    """A button that answers ``slot`` with ``option_id``: ``/legal_aid_check{"legal_aid_matter": "labour_pay"}``."""
    return {"title": title, "payload": f'/{flow_intent}{{"{slot}": "{option_id}"}}'}


def accept(slot: str, value: str | None, dispatcher: CollectingDispatcher, unclear_text: str) -> dict:
    """``{slot: value}``; for an ``UNCLEAR`` answer, say ``unclear_text`` and empty the slot so the form asks again."""
    if value == UNCLEAR:
        dispatcher.utter_message(text=unclear_text)
        return {slot: None}
    return {slot: value}


def entity_value(tracker: Tracker, entity: str) -> str | None:
    return next(
        (e.get("value") for e in tracker.latest_message.get("entities") or [] if e.get("entity") == entity), None
    )


def extract_answer(
    tracker: Tracker,
    slot: str,
    options: list[Option],
    flow_intent: str,
    *,
    first: bool = False,
    form_slots: tuple[str, ...] = (),
) -> dict:
    """Slot events for ``slot`` from the latest message, when ``slot`` is the one being asked.

    ``flow_intent`` is the intent that starts this form (its buttons use it too).
    ``first``: the form's first question also takes an answer contained in the
    message that started the form (e.g. 「物业纠纷找哪里调解」); starting also
    clears ``form_slots``, answers left over from a check that was left for
    another flow.
    """
    requested = tracker.get_slot(REQUESTED_SLOT)
    if first and requested is None:
        return {**{name: None for name in form_slots}, slot: _read(tracker, slot, options, flow_intent, starting=True)}
    if requested != slot:
        return {}
    value = _read(tracker, slot, options, flow_intent, starting=False)
    return {} if value is None else {slot: value}


def _read(tracker: Tracker, slot: str, options: list[Option], flow_intent: str, starting: bool) -> str | None:
    """The option the message picks, ``UNCLEAR``, or None when it is no answer (the rules take over)."""
    button = entity_value(tracker, slot)
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if button in {option.id for option in options}:
        return button
    text = tracker.latest_message.get("text") or ""
    if intent in INTERRUPTING_INTENTS:
        return best_option(text, options) if may_answer(intent, text) else None
    if intent in FLOW_INTENTS - {flow_intent}:
        return None
    if intent in QUESTION_INTENTS and is_question(text):
        return None
    matched = best_option(text, options)
    if matched or starting or intent in QUESTION_INTENTS:
        return matched
    return UNCLEAR
