"""The web page's 有用/没用: one verdict per answer of a conversation, replaced on change, never counted twice.

Through the real ``POST /api/feedback`` route (TestClient) on a migrated,
seeded SQLite database; the turns, the unanswered queue and the dashboard
figures are read back from it.
"""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from actions.payload import NOT_USEFUL, USEFUL
from api.curation import analytics
from api.routers import web
from api.verdicts import ANSWER_KEY
from knowledge_base.store.models import Turn, UnansweredItem

ENTRY = "wage-arrears-steps"
QUESTION = "老板拖欠工资三个月了怎么办"


@pytest.fixture
def rate(database, tmp_path, monkeypatch):
    """Function ``(value, answer, sender="web-v1", question=QUESTION)``: one click on the page's button."""
    monkeypatch.setenv("FARUN_DATA_DIR", str(tmp_path))
    app = FastAPI()
    app.include_router(web.router)
    app.state.curation_db = database
    with TestClient(app) as client:

        def click(value: str, answer: str | None, sender: str = "web-v1", question: str = QUESTION) -> None:
            body = {"sender": sender, "value": value, "entry_ids": [ENTRY], "question": question}
            if answer is not None:
                body["answer"] = answer
            response = client.post("/api/feedback", json=body)
            assert response.status_code == 200 and response.json()["ok"] is True

        yield click


def verdicts(database) -> list[tuple[str | None, str | None]]:
    with database.session() as session:
        turns = session.scalars(select(Turn).where(Turn.kind == "feedback").order_by(Turn.id))
        return [((turn.detail or {}).get(ANSWER_KEY), turn.feedback) for turn in turns]


def queue(database) -> list[tuple[str, int]]:
    with database.session() as session:
        items = session.scalars(select(UnansweredItem).where(UnansweredItem.status == "open"))
        return [(item.question, item.count) for item in items]


def figures(database) -> tuple[int, int]:
    with database.session() as session:
        dashboard = analytics.dashboard(session, days=1)
        return dashboard.useful, dashboard.not_useful


def test_a_changed_verdict_replaces_the_earlier_one_and_the_queue_follows(rate, database):
    rate(USEFUL, "a1")
    assert verdicts(database) == [("a1", USEFUL)] and queue(database) == []
    rate(NOT_USEFUL, "a1")
    assert verdicts(database) == [("a1", NOT_USEFUL)] and queue(database) == [(QUESTION, 1)]
    assert figures(database) == (0, 1)
    rate(USEFUL, "a1")
    assert verdicts(database) == [("a1", USEFUL)] and queue(database) == []
    assert figures(database) == (1, 0)


def test_the_same_verdict_twice_is_counted_once(rate, database):
    rate(NOT_USEFUL, "a2")
    rate(NOT_USEFUL, "a2")
    assert verdicts(database) == [("a2", NOT_USEFUL)]
    assert queue(database) == [(QUESTION, 1)] and figures(database) == (0, 1)


def test_each_answer_and_each_conversation_keeps_its_own_verdict(rate, database):
    rate(USEFUL, "a3")
    rate(NOT_USEFUL, "a4")
    rate(NOT_USEFUL, "a3", sender="web-other")
    assert sorted(verdicts(database)) == [("a3", NOT_USEFUL), ("a3", USEFUL), ("a4", NOT_USEFUL)]
    assert queue(database) == [(QUESTION, 2)] and figures(database) == (1, 2)


def test_taking_back_a_not_useful_leaves_other_peoples_count_on_the_same_question(rate, database):
    rate(NOT_USEFUL, "a5", sender="web-one")
    rate(NOT_USEFUL, "a5", sender="web-two")
    rate(USEFUL, "a5", sender="web-one")
    assert queue(database) == [(QUESTION, 1)] and figures(database) == (1, 1)


def test_the_stored_question_stays_masked_when_a_verdict_changes(rate, database):
    question = "我的电话13912345678，老板欠薪"
    rate(NOT_USEFUL, "a6", question=question)
    rate(USEFUL, "a6", question=question)
    rate(NOT_USEFUL, "a6", question=question)
    [(text, count)] = queue(database)
    assert "13912345678" not in text and "139****5678" in text and count == 1


def test_a_verdict_without_an_answer_id_is_recorded_as_before(rate, database):
    rate(USEFUL, None)
    rate(USEFUL, None)
    assert verdicts(database) == [(None, USEFUL), (None, USEFUL)]


def test_a_bad_answer_id_is_refused(database, tmp_path, monkeypatch):
    monkeypatch.setenv("FARUN_DATA_DIR", str(tmp_path))
    app = FastAPI()
    app.include_router(web.router)
    app.state.curation_db = database
    with TestClient(app) as client:
        response = client.post("/api/feedback", json={"sender": "web-v1", "value": USEFUL, "answer": "a b/c"})
    assert response.status_code == 422 and "answer" in response.text
    assert verdicts(database) == []
