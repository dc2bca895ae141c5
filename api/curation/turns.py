"""The turn log: every user message from every channel, recorded once, masked, and routed to the staff queue.

``POST /api/chat`` and the WeChat/WeCom conversation both hand the user's text
and Rasa's raw reply messages to ``record_turn`` (through ``TurnLog``). The
``farun`` custom payload the action server attaches to its replies gives the
reply kind, entry ids, scores, abstain candidates and feedback. Only masked
text (``masking.mask``) and a short hash of the sender id
(``actions.records.sender_hash``, the same hash the handoff and feedback
records use) are stored. Abstentions, fallbacks and 没用 feedback also create
or join an item of the unanswered queue.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from actions.feedback import NOT_USEFUL
from actions.records import sender_hash
from actions.routing import ROUTES
from api.curation import unanswered
from api.curation.db import Database
from api.curation.masking import mask
from api.curation.models import EntryRow, Turn

log = logging.getLogger(__name__)
FALLBACK_INTENT = "nlu_fallback"
FALLBACK_KINDS = ("rephrase", "handoff")
PLAIN_KIND = "utterance"  # a reply without a farun payload (greeting, thanks, …)


def farun_payloads(messages: list[dict]) -> list[dict]:
    """The ``farun`` custom payloads among Rasa's reply messages, in order."""
    return [farun for message in messages if (farun := (message.get("custom") or {}).get("farun"))]


def turn_area(session: Session, intent: str | None, entry_ids: list[str]) -> str | None:
    """The area of the first entry answered with, else the area the intent routes to (one area only)."""
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
    turns = session.scalars(select(Turn).where(Turn.sender == sender, Turn.kind == "answer")
                            .order_by(Turn.id.desc()).limit(20))
    for turn in turns:
        if entry_id in turn.entry_ids:
            index = turn.entry_ids.index(entry_id)
            return [{"id": entry_id, "score": turn.scores[index] if index < len(turn.scores) else None}]
    return [{"id": entry_id, "score": None}]


def _enqueue(session: Session, turn: Turn, payload: dict) -> None:
    if turn.kind == "abstain":
        unanswered.enqueue(session, turn.text, "abstain", turn, payload.get("candidates") or [])
    elif turn.kind in FALLBACK_KINDS and turn.intent == FALLBACK_INTENT:
        unanswered.enqueue(session, turn.text, "fallback", turn, [])
    elif turn.kind == "feedback" and turn.feedback == NOT_USEFUL and payload.get("question"):
        unanswered.enqueue(session, mask(payload["question"]), "not_useful", turn,
                           _answered_candidates(session, turn.sender, payload.get("entry_id")))


def record_turn(session: Session, channel: str, sender: str, text: str, intent: str | None,
                confidence: float | None, messages: list[dict]) -> Turn:
    """Store one turn (``messages``: Rasa's raw replies) and queue it when the bot could not help; commits."""
    payloads = farun_payloads(messages)
    payload = payloads[0] if payloads else {}
    intent = intent or payload.get("intent")
    entry_ids = list(payload.get("entry_ids") or [])
    turn = Turn(channel=channel, sender=sender_hash(sender), text=mask(text), intent=intent, confidence=confidence,
                kind=payload.get("kind") or PLAIN_KIND, feedback=payload.get("value"), entry_ids=entry_ids,
                scores=list(payload.get("scores") or []))
    turn.area = turn_area(session, intent, entry_ids)
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

    def _write(self, sender: str, text: str, intent: str | None, confidence: float | None,
               messages: list[dict]) -> None:
        try:
            with self.database.session() as session:
                record_turn(session, self.channel, sender, text, intent, confidence, messages)
        except Exception:  # the user still gets the answer; staff see the error in the log
            log.exception("could not record a %s turn", self.channel)

    async def record(self, sender: str, text: str, intent: str | None, confidence: float | None,
                     messages: list[dict]) -> None:
        await run_in_threadpool(self._write, sender, text, intent, confidence, messages)


def turn_log_for(channel: str) -> Callable[[Request], TurnLog | None]:
    """A FastAPI dependency: the turn log of ``channel``, or None when the app has no curation database."""
    def turn_log(request: Request) -> TurnLog | None:
        database = getattr(request.app.state, "curation_db", None)
        return TurnLog(database, channel) if database is not None else None
    return turn_log
