"""One 有用/没用 per answer: the web page's verdict on an answer, stored once and replaced when the user changes it.

The page names every answer it shows with a random id. A verdict is a feedback
turn of the turn log (``api.curation.turns.record_turn``, so a 没用 lands in
the unanswered queue) whose detail keeps that id under ``answer``. A new
verdict on the same answer of the same conversation replaces the earlier one:
its turn is removed and, if it was a 没用, its count on the open queue item is
taken back (the item goes when no count is left). The same verdict again
changes nothing. So the dashboard and the queue count each answer once, with
the user's last word. A verdict without an answer id (an older page) is simply
recorded. One lock keeps two quick clicks from both finding no earlier verdict
(the API runs as one process).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from actions import payload
from actions.payload import NOT_USEFUL
from api.curation.masking import sender_hash
from api.curation.turns import record_turn
from api.curation.unanswered import normalized
from knowledge_base.store.db import Database
from knowledge_base.store.models import QueueStatus, Turn, UnansweredItem

log = logging.getLogger(__name__)
ANSWER_KEY = "answer"
TURN_TEXT = "[网页反馈]"
_one_at_a_time = threading.Lock()


@dataclass(frozen=True)
class Verdict:
    sender: str
    answer: str | None  # the page's id of the rated answer
    value: str  # payload.USEFUL or payload.NOT_USEFUL
    entry_id: str | None
    question: str


def earlier_verdict(session: Session, channel: str, sender: str, answer: str) -> Turn | None:
    """The stored verdict of ``sender`` on ``answer``, if any."""
    turns = session.scalars(
        select(Turn).where(Turn.channel == channel, Turn.sender == sender_hash(sender), Turn.kind == "feedback")
    )
    return next((turn for turn in turns if (turn.detail or {}).get(ANSWER_KEY) == answer), None)


def withdraw(session: Session, turn: Turn) -> None:
    """Remove a verdict: its turn, and the count a 没用 added to an open queue item."""
    question = (turn.detail or {}).get("question")
    if turn.feedback == NOT_USEFUL and question:
        item = session.scalar(
            select(UnansweredItem).where(
                UnansweredItem.question == normalized(question), UnansweredItem.status == QueueStatus.OPEN.value
            )
        )
        if item is not None:
            item.count -= 1
            if item.count <= 0:
                session.delete(item)
    session.delete(turn)


def record_verdict(session: Session, channel: str, verdict: Verdict) -> Turn:
    """Store ``verdict``, replacing the conversation's earlier verdict on the same answer; commits."""
    earlier = earlier_verdict(session, channel, verdict.sender, verdict.answer) if verdict.answer else None
    if earlier is not None and earlier.feedback == verdict.value:
        return earlier
    if earlier is not None:
        withdraw(session, earlier)
    reply = payload.build(
        "feedback", "feedback", [], value=verdict.value, entry_id=verdict.entry_id, question=verdict.question
    )
    turn = record_turn(session, channel, verdict.sender, TURN_TEXT, "feedback", None, [{"custom": reply}])
    if verdict.answer:
        turn.detail = {**(turn.detail or {}), ANSWER_KEY: verdict.answer}
        session.commit()
    return turn


def _store(database: Database, channel: str, verdict: Verdict) -> None:
    try:
        with _one_at_a_time, database.session() as session:
            record_verdict(session, channel, verdict)
    except Exception:  # like the turn log: the user is thanked all the same, staff see the error in the log
        log.exception("could not record a %s verdict", channel)


async def store(database: Database, channel: str, verdict: Verdict) -> None:
    """``record_verdict`` off the event loop, a failure logged."""
    await run_in_threadpool(_store, database, channel, verdict)
