"""The turn log: every user message from every channel, recorded once, masked, and routed to the staff queue.

Every channel's message path (``api.conversation``) hands the user's text and
Rasa's raw reply messages to ``record_turn`` (through ``TurnLog``). The
``farun`` custom payload the action server attaches to its replies
(``actions.payload``) gives the reply kind, area, entry ids, scores, abstain
candidates, feedback and handoff details. Only masked text (``masking.mask``)
and a short hash of the sender id (``masking.sender_hash``) are stored.
Abstentions, fallbacks and 没用 feedback also create or join an item of the
unanswered queue.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from actions.payload import NOT_USEFUL, farun_payloads
from actions.routing import ROUTES
from api.curation import unanswered
from api.curation.masking import mask, sender_hash
from knowledge_base.store.db import Database
from knowledge_base.store.models import EntryRow, Turn

log = logging.getLogger(__name__)
FALLBACK_INTENT = "nlu_fallback"
FALLBACK_KINDS = ("rephrase", "handoff")
PLAIN_KIND = "utterance"  # a reply without a farun payload (greeting, thanks, …)


DETAIL_TEXTS = ("last_question", "question")  # free text in a turn's detail, masked like the turn's own text
DETAIL_FIELDS = ("reason", "entry_id", *DETAIL_TEXTS)


def turn_detail(payload: dict) -> dict | None:
    """What a handoff or feedback turn needs beyond the common columns, texts masked."""
    detail = {key: payload[key] for key in DETAIL_FIELDS if payload.get(key)}
    for key in DETAIL_TEXTS:
        if key in detail:
            detail[key] = mask(str(detail[key]))
    return detail or None


def turn_area(session: Session, intent: str | None, entry_ids: list[str], served_area: str | None = None) -> str | None:
    """The area of the first entry served, else the area the intent routes to (one area only)."""
    if served_area:
        return served_area
    if entry_ids:
        data = session.scalar(select(EntryRow.data).where(EntryRow.slug == entry_ids[0]))
        if data:
            return data.get("area")
    route = ROUTES.get(intent or "")
    if route is None:
        return None
    if intent in route.areas:
        return intent
    return next(iter(route.areas)) if len(route.areas) == 1 else None


def _answered_candidates(session: Session, sender: str, entry_id: str | None) -> list[dict]:
    """The entry a 没用 refers to, with the score it was answered with (from the sender's latest answer turn)."""
    if not entry_id:
        return []
    turns = session.scalars(
        select(Turn).where(Turn.sender == sender, Turn.kind == "answer").order_by(Turn.id.desc()).limit(20)
    )
    for turn in turns:
        if entry_id in turn.entry_ids:
            index = turn.entry_ids.index(entry_id)
            return [{"id": entry_id, "score": turn.scores[index] if index < len(turn.scores) else None}]
    return [{"id": entry_id, "score": None}]


def _enqueue(session: Session, turn: Turn, payload: dict) -> None:
    if turn.kind == "abstain":
        unanswered.enqueue(session, turn.text, "abstain", turn, payload.get("candidates") or [])
    elif turn.kind == "referral" and not turn.entry_ids:  # referred with nothing to show: demand staff can meet
        unanswered.enqueue(session, turn.text, "referred", turn, payload.get("candidates") or [])
    elif turn.kind in FALLBACK_KINDS and turn.intent == FALLBACK_INTENT:
        unanswered.enqueue(session, turn.text, "fallback", turn, [])
    elif turn.kind == "feedback" and turn.feedback == NOT_USEFUL and payload.get("question"):
        unanswered.enqueue(
            session,
            mask(payload["question"]),
            "not_useful",
            turn,
            _answered_candidates(session, turn.sender, payload.get("entry_id")),
        )


def record_turn(
    session: Session,
    channel: str,
    sender: str,
    text: str,
    intent: str | None,
    confidence: float | None,
    messages: list[dict],
) -> Turn:
    """Store one turn (``messages``: Rasa's raw replies) and queue it when the bot could not help; commits."""
    payloads = farun_payloads(messages)
    payload = payloads[0] if payloads else {}
    intent = intent or payload.get("intent")
    entry_ids = list(payload.get("entry_ids") or [])
    turn = Turn(
        channel=channel,
        sender=sender_hash(sender),
        text=mask(text),
        intent=intent,
        confidence=confidence,
        kind=payload.get("kind") or PLAIN_KIND,
        feedback=payload.get("value"),
        entry_ids=entry_ids,
        scores=list(payload.get("scores") or []),
        detail=turn_detail(payload),
    )
    turn.area = turn_area(session, intent, entry_ids, payload.get("area"))
    session.add(turn)
    session.flush()
    _enqueue(session, turn, payload)
    session.commit()
    return turn


class TurnLog:
    """Records the turns of one channel in the curation database; a failure is logged, never shown to the user."""

    def __init__(self, database: Database, channel: str):
        self.database = database
        self.channel = channel

    def _write(
        self, sender: str, text: str, intent: str | None, confidence: float | None, messages: list[dict]
    ) -> None:
        try:
            with self.database.session() as session:
                record_turn(session, self.channel, sender, text, intent, confidence, messages)
        except Exception:  # the user still gets the answer; staff see the error in the log
            log.exception("could not record a %s turn", self.channel)

    async def record(
        self, sender: str, text: str, intent: str | None, confidence: float | None, messages: list[dict]
    ) -> None:
        await run_in_threadpool(self._write, sender, text, intent, confidence, messages)
