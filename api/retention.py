"""Bounded growth of what conversations leave behind: ``farun retention``.

* Rasa's SQL tracker store (``Settings.tracker_store_url``; Rasa's table
  ``events``: one row per event, ``sender_id`` and a Unix ``timestamp``): every
  event of a conversation whose latest event is older than
  ``Settings.tracker_retention_days`` (30) is deleted — the conversation, with its
  slots and any open form, is forgotten as if it had never been.
* The curation database's turn log (``turns``): rows older than
  ``Settings.turn_retention_days`` (366, the staff dashboard's longest view).
  Unanswered-queue items keep their own copy of the question and are not touched.

Run it daily (cron or a systemd timer); each run deletes in batches of
``BATCH`` conversations, so Rasa is never locked out for long.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, create_engine, delete, inspect, text
from sqlalchemy.engine import Engine

from knowledge_base.store.db import Database
from knowledge_base.store.models import Turn, utcnow

log = logging.getLogger(__name__)

DAY = 86_400.0
BATCH = 500  # conversations deleted per transaction
IDLE_SENDERS = text(
    "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :cutoff ORDER BY sender_id LIMIT :batch"
)
DELETE_EVENTS = text("DELETE FROM events WHERE sender_id IN :senders").bindparams(bindparam("senders", expanding=True))


@dataclass(frozen=True)
class Purged:
    conversations: int
    events: int
    turns: int


def purge_idle_conversations(engine: Engine, days: float, now: float | None = None) -> tuple[int, int]:
    """Delete every conversation of Rasa's tracker store idle for more than ``days``; (conversations, events)."""
    if not inspect(engine).has_table("events"):
        return 0, 0  # Rasa has not started on this store yet
    cutoff = (time.time() if now is None else now) - days * DAY
    conversations = events = 0
    while True:
        with engine.begin() as connection:
            senders = list(connection.execute(IDLE_SENDERS, {"cutoff": cutoff, "batch": BATCH}).scalars())
            if not senders:
                break
            events += connection.execute(DELETE_EVENTS, {"senders": senders}).rowcount
        conversations += len(senders)
    return conversations, events


def purge_old_turns(database: Database, days: float) -> int:
    """Delete the turn log's rows older than ``days``; how many."""
    cutoff = utcnow() - timedelta(days=days)
    with database.session() as session:
        deleted = session.execute(delete(Turn).where(Turn.at < cutoff)).rowcount
        session.commit()
    return deleted


def run(tracker_store_url: str, tracker_days: float, database: Database | None, turn_days: float) -> Purged:
    engine = create_engine(tracker_store_url)
    try:
        conversations, events = purge_idle_conversations(engine, tracker_days)
    finally:
        engine.dispose()
    turns = purge_old_turns(database, turn_days) if database is not None else 0
    log.info("retention: %d conversations (%d events), %d turns deleted", conversations, events, turns)
    return Purged(conversations, events, turns)
