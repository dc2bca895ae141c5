"""``api.retention``: idle conversations leave Rasa's SQL tracker store, old turns leave the turn log.

The tracker store is a temporary SQLite file with the shape of Rasa 3.6's
``SQLTrackerStore`` table ``events`` (rasa/core/tracker_store.py, ``SQLEvent``).
"""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select, text

from api import retention
from knowledge_base.store.db import open_database
from knowledge_base.store.models import Turn, utcnow

DAY = 86_400
EVENTS_TABLE = """
CREATE TABLE events (
    id INTEGER NOT NULL PRIMARY KEY,
    sender_id VARCHAR(255) NOT NULL,
    type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT,
    intent_name VARCHAR(255),
    action_name VARCHAR(255),
    data TEXT
)
"""


@pytest.fixture
def tracker_store(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(EVENTS_TABLE))
        connection.execute(text("CREATE INDEX ix_events_sender_id ON events (sender_id)"))
    yield url, engine
    engine.dispose()


def add_conversation(engine, sender: str, days_ago: list[float]) -> None:
    now = time.time()
    with engine.begin() as connection:
        for age in days_ago:
            connection.execute(
                text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, 'user', :t, :d)"),
                {"s": sender, "t": now - age * DAY, "d": json.dumps({"event": "user", "text": "你好"})},
            )


def senders(engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT sender_id, COUNT(*) FROM events GROUP BY sender_id"))
        return dict(rows.all())


def test_only_conversations_idle_past_the_limit_are_deleted(tracker_store):
    _, engine = tracker_store
    add_conversation(engine, "web-old", [45, 40, 31])
    add_conversation(engine, "web-back", [60, 50, 2])  # old, but came back two days ago: kept whole
    add_conversation(engine, "web-new", [1, 0])
    assert retention.purge_idle_conversations(engine, 30) == (1, 3)
    assert senders(engine) == {"web-back": 3, "web-new": 2}


def test_deletion_runs_in_batches(tracker_store, monkeypatch):
    _, engine = tracker_store
    monkeypatch.setattr(retention, "BATCH", 2)
    for n in range(5):
        add_conversation(engine, f"web-{n}", [40, 35])
    add_conversation(engine, "web-live", [0])
    assert retention.purge_idle_conversations(engine, 30) == (5, 10)
    assert senders(engine) == {"web-live": 1}


def test_the_limit_is_configurable(tracker_store):
    _, engine = tracker_store
    add_conversation(engine, "web-week", [8])
    assert retention.purge_idle_conversations(engine, 30) == (0, 0)
    assert retention.purge_idle_conversations(engine, 7) == (1, 1)


def test_a_store_rasa_never_used_is_left_alone(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    assert retention.purge_idle_conversations(engine, 30) == (0, 0)
    engine.dispose()


def test_run_purges_the_tracker_store_and_the_turn_log(tracker_store, tmp_path):
    url, engine = tracker_store
    add_conversation(engine, "web-old", [31])
    database = open_database(f"sqlite:///{tmp_path / 'farun.db'}")
    try:
        with database.session() as session:
            for age, text_ in ((400, "去年的问题"), (10, "上周的问题")):
                session.add(
                    Turn(at=utcnow() - timedelta(days=age), channel="web", sender="s", text=text_, kind="answer")
                )
            session.commit()
        purged = retention.run(url, 30, database, 366)
        assert purged == retention.Purged(conversations=1, events=1, turns=1)
        with database.session() as session:
            assert session.scalars(select(Turn.text)).all() == ["上周的问题"]
    finally:
        database.close()
    assert senders(engine) == {}
