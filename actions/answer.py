"""Actions that answer from the knowledge base, refer out-of-scope questions and fall back.

``action_answer_question`` searches every collection and weighs the evidence
together (``actions.routing``: retrieval, the NLU's areas, the asker's side);
below the calibrated confidence it abstains with a referral, and when the best
entries are too close it offers up to three as buttons plus 「都不是」. Under
an answer, 「相关问题」 buttons lead to the next entries of its area. The first legal answer of a conversation carries the
disclaimer; later ones do not repeat it. Each answer offers 有用 / 没用
feedback buttons (wage answers also a button to the step-by-step plan);
``action_answer_entry`` answers the entry a did-you-mean
button (or 「第一个」「第二个」) picked.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import legal_aid, mediation, payload, render, routing, services
from actions.feedback import feedback_buttons
from actions.handoff import handoff_payload, handoff_text
from actions.knowledge import knowledge_base, retriever
from knowledge_base.numerals import ARTICLE_PATTERN
from knowledge_base.schema import Entry

HANDOFF_AFTER_FALLBACKS = 2
MIN_LEGAL_CHARS = 8  # Chinese characters a fallback message needs before it is searched as a question
WAGE_PLAN_BUTTONS = [{"title": "帮我梳理讨薪步骤", "payload": "/wage_plan"}]
# Answers about getting unpaid pay back lead on to the wage triage (not, say, probation or dismissal rules).
WAGE_PLAN_ENTRY_PREFIXES = (
    "wage-",
    "labour-last-wage",
    "labour-complaint",
    "labour-arbitration",
    "labour-payment-order",
    "labour-wage-crime",
    "labour-legal-aid-migrant",
    "labour-evidence",
)


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


def has_legal_content(text: str) -> bool:
    """A message the NLU could not place but long enough to be a question worth searching for."""
    return len([ch for ch in text if "\u4e00" <= ch <= "\u9fff"]) >= MIN_LEGAL_CHARS


def answer_entry(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    entry: Entry,
    score: float | None,
    question: str | None,
    related: list[Entry] | None = None,
) -> list:
    """Send ``entry`` as the answer (disclaimer the first time) with feedback, follow-up and related buttons."""
    first_answer = not tracker.get_slot("disclaimer_shown")
    dispatcher.utter_message(
        text=render.answer_text(entry, with_disclaimer=first_answer, contacts=services.current()),
        buttons=feedback_buttons() + follow_up_buttons(entry) + related_buttons(related or []),
        json_message=payload.build(
            "answer",
            _intent(tracker),
            [entry],
            [score] if score is not None else [],
            confidence=_confidence(tracker),
            related=[e.id for e in related or []],
        ),
    )
    return [
        SlotSet("disclaimer_shown", True),
        SlotSet("fallback_count", 0),
        SlotSet("last_entry_id", entry.id),
        SlotSet("last_question", question),
    ]


NONE_OF_THESE = {"title": "都不是", "payload": "/none_of_these"}


def _ranking(tracker: Tracker) -> list[dict]:
    return tracker.latest_message.get("intent_ranking") or []


def _confidence(tracker: Tracker) -> float | None:
    return (tracker.latest_message.get("intent") or {}).get("confidence")


def related_buttons(entries: list[Entry]) -> list[dict]:
    """「相关问题」: the next entries of the answer's area, one tap away."""
    return [{"title": f"相关：{entry.title}", "payload": _choice_payload(entry.id)} for entry in entries]


def _abstain(dispatcher: CollectingDispatcher, tracker: Tracker, candidates: list[dict]) -> list:
    dispatcher.utter_message(
        text=render.abstain_text(services.current()),
        json_message=payload.build(
            "abstain", _intent(tracker), [], [], confidence=_confidence(tracker), candidates=candidates
        ),
    )
    return [SlotSet("fallback_count", 0)]


def _offer(dispatcher: CollectingDispatcher, tracker: Tracker, entries: list[Entry], scores: list[float]) -> list:
    dispatcher.utter_message(
        text="您想问的是哪一个？请点选：",
        buttons=[{"title": e.title, "payload": _choice_payload(e.id)} for e in entries] + [NONE_OF_THESE],
        json_message=payload.build("did_you_mean", _intent(tracker), entries, scores, confidence=_confidence(tracker)),
    )
    return [
        SlotSet("fallback_count", 0),
        SlotSet("offered_entry_ids", [e.id for e in entries]),
        SlotSet("last_question", _user_text(tracker)),
    ]


def _refer(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    entries: list[Entry],
    scores: list[float],
    candidates: list[dict] | None = None,
) -> list:
    """「不在服务范围」 and where to go, with an orientation entry when one fits; ``candidates`` (what retrieval
    weighed) travel in the payload, so a referral nothing fitted reaches the staff queue like an abstention."""
    contacts = services.current()
    text = render.out_of_scope_text(contacts)
    if entries:
        text = f"{text}\n先给您一点参考：\n{render.answer_text(entries[0], with_disclaimer=True, contacts=contacts)}"
    dispatcher.utter_message(
        text=text,
        json_message=payload.build(
            "referral", _intent(tracker), entries, scores, confidence=_confidence(tracker), candidates=candidates or []
        ),
    )
    return [SlotSet("fallback_count", 0)]


def decision_for(tracker: Tracker, origin: str) -> routing.Decision:
    """Weigh retrieval over every collection, the NLU's areas and the asker's side (``routing.decide``)."""
    text = _user_text(tracker)
    result = retriever().search(text, None, k=routing.SEARCH_DEPTH)
    return routing.decide(text, _ranking(tracker), result.hits, retriever().policy, origin)


def send(dispatcher: CollectingDispatcher, tracker: Tracker, decision: routing.Decision) -> list:
    if decision.kind == "abstain":
        considered = decision.candidates
        return _abstain(
            dispatcher, tracker, render.candidates([c.hit for c in considered], [c.confidence for c in considered])
        )
    if decision.kind == "referral":
        considered = decision.candidates
        return _refer(
            dispatcher,
            tracker,
            decision.entries,
            decision.scores,
            render.candidates([c.hit for c in considered], [c.confidence for c in considered]),
        )
    if decision.kind == "did_you_mean":
        return _offer(dispatcher, tracker, decision.entries, decision.scores)
    return answer_entry(
        dispatcher, tracker, decision.entries[0], decision.scores[0], _user_text(tracker), related=decision.related
    )


def respond(dispatcher: CollectingDispatcher, tracker: Tracker, origin: str) -> list:
    """Answer a legal question from every collection."""
    return send(dispatcher, tracker, decision_for(tracker, origin))


def respond_by_intent(dispatcher: CollectingDispatcher, tracker: Tracker) -> list:
    """The earlier behaviour (``FARUN_ROUTING=intent``): search only the collection the intent names."""
    intent = _intent(tracker)
    route = routing.ROUTES.get(intent or "", routing.ROUTES["wage_arrears"])
    result = retriever().search(_user_text(tracker), route.collection, k=3, areas=set(route.areas))
    if not result.confident:
        return _abstain(dispatcher, tracker, render.candidates(result.hits))
    if result.ambiguous:
        first, second = result.hits[:2]
        return _offer(dispatcher, tracker, [first.entry, second.entry], [first.dense, second.dense])
    best = result.hits[0]
    return answer_entry(dispatcher, tracker, best.entry, best.dense, _user_text(tracker))


class ActionAnswerQuestion(Action):
    def name(self) -> str:
        return "action_answer_question"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        if routing.routing_mode() == "intent":
            return respond_by_intent(dispatcher, tracker)
        return respond(dispatcher, tracker, "topical")


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
        if tracker.get_slot("legislation_reading") and re.search(ARTICLE_PATTERN, _user_text(tracker)):
            # 「第一条」 while a draft is open is its article, not "the first one" of an earlier offer
            from actions.legislation import ActionLegislation  # imported here: legislation builds on this module

            return ActionLegislation().run(dispatcher, tracker, domain)
        entry_id = chosen_entry_id(
            tracker.get_slot("entry_id"), _user_text(tracker), tracker.get_slot("offered_entry_ids") or []
        )
        entry = knowledge_base().by_id().get(entry_id or "")
        if entry is None:
            dispatcher.utter_message(
                text="抱歉，没有找到您选的条目。请直接说说您想问的问题。",
                json_message=payload.build("rephrase", _intent(tracker), []),
            )
            return [SlotSet("entry_id", None)]
        return answer_entry(dispatcher, tracker, entry, None, tracker.get_slot("last_question")) + [
            SlotSet("entry_id", None),
            SlotSet("offered_entry_ids", None),
        ]


class ActionReferOutOfScope(Action):
    """Say what the bot covers and where to go, with a short orientation when one matches well.

    A question the NLU took for out-of-scope is still answered from a topical
    entry when retrieval is clearly sure of one (``routing.decide``).
    """

    def name(self) -> str:
        return "action_refer_out_of_scope"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        if routing.routing_mode() != "intent":
            return respond(dispatcher, tracker, "out_of_scope")
        route = routing.ROUTES["out_of_scope"]
        result = retriever().search(_user_text(tracker), route.collection, k=1, areas=set(route.areas))
        entries = [result.best.entry] if result.confident and result.best else []
        return _refer(dispatcher, tracker, entries, [result.best.dense] if entries else [])


class ActionFallback(Action):
    """Ask to rephrase; after repeated misunderstandings, offer people instead.

    Also Rasa's core fallback (no policy sure of the next action): it always
    ends the bot's turn with ``action_listen``, so it can never repeat itself.
    """

    def name(self) -> str:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        if routing.routing_mode() != "intent" and has_legal_content(_user_text(tracker)):
            decision = decision_for(tracker, "fallback")
            if decision.kind != "abstain":
                return send(dispatcher, tracker, decision) + [FollowupAction("action_listen")]
        count = int(tracker.get_slot("fallback_count") or 0) + 1
        if count >= HANDOFF_AFTER_FALLBACKS:
            dispatcher.utter_message(
                text=handoff_text("看来我没能理解您的问题，建议您直接找人工帮助。"),
                json_message=handoff_payload(_intent(tracker), "repeated_fallback", _user_text(tracker)),
            )
            return [SlotSet("fallback_count", 0), FollowupAction("action_listen")]
        dispatcher.utter_message(
            text=render.rephrase_text(), json_message=payload.build("rephrase", _intent(tracker), [])
        )
        return [SlotSet("fallback_count", count), FollowupAction("action_listen")]


CLARIFY_TEXT = (
    "抱歉没找准。能再具体说说吗？比如：\n"
    "· 谁和谁之间的事（您是员工、老板，还是替家里老人问）\n"
    "· 发生了什么、多长时间、涉及多少钱\n"
    "· 您最想解决什么（要回工资、拿到补偿、分清财产……）\n"
    "例如：“我在工地干了半年，包工头欠我两万工钱跑了，能找谁要”。说不清楚的话，也可以直接找人工。"
)
HANDOFF_BUTTON = {"title": "转人工", "payload": "/handoff"}


class ActionNoneOfThese(Action):
    """「都不是」 after a did-you-mean: ask one clarifying question with examples, and offer a person."""

    def name(self) -> str:
        return "action_none_of_these"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        dispatcher.utter_message(
            text=CLARIFY_TEXT,
            buttons=[HANDOFF_BUTTON],
            json_message=payload.build("clarify", _intent(tracker), []),
        )
        return [SlotSet("offered_entry_ids", None)]
