"""The stack's warm-up question is answered but kept out of the turn log; nobody else can hide a turn that way.

Runs ``POST /api/chat`` in-process (TestClient) on a real migrated SQLite
turn log; only the Rasa server is replaced by the replies it would send
(httpx transport).
"""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.curation.masking import sender_hash
from api.routers import chat
from api.settings import Settings, get_settings
from api.warm_up import HEADER
from knowledge_base.store.db import open_database
from knowledge_base.store.models import Turn

TOKEN = "stack-secret-token"
REPLY = [{"recipient_id": "u", "text": "您可以先与单位协商，协商不成可以拨打12333投诉。"}]
NLU = {"custom": {"farun_nlu": {"intent": "wage_arrears", "confidence": 0.93}}}  # what bot/channels.py appends


def rasa(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=REPLY + [NLU])


@pytest.fixture
def database(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'farun.db'}")
    yield db
    db.close()


def api(database, rasa_token: str = TOKEN) -> TestClient:
    app = FastAPI()
    app.include_router(chat.router)
    app.state.curation_db = database
    app.state.http = httpx.AsyncClient(transport=httpx.MockTransport(rasa))
    app.dependency_overrides[get_settings] = lambda: Settings(rasa_url="http://rasa.test", rasa_token=rasa_token)
    return TestClient(app)


def recorded(database, sender: str) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(Turn).where(Turn.sender == sender_hash(sender)))


def ask(client: TestClient, sender: str, headers: dict | None = None) -> dict:
    response = client.post("/api/chat", json={"sender": sender, "message": "拖欠工资怎么办"}, headers=headers or {})
    assert response.status_code == 200, response.text
    return response.json()


def test_the_warm_up_with_the_stack_token_is_answered_but_not_recorded(database):
    reply = ask(api(database), "warm-up-1", {HEADER: TOKEN})
    assert reply["replies"][0]["text"] == REPLY[0]["text"] and reply["intent"] == "wage_arrears"
    assert recorded(database, "warm-up-1") == 0
    ask(api(database), "user-1")
    assert recorded(database, "user-1") == 1


@pytest.mark.parametrize(
    "headers", [None, {HEADER: "guessed-token"}, {HEADER: TOKEN + "x"}, {HEADER: ""}, {HEADER: "令牌".encode()}]
)
def test_a_user_cannot_hide_turns_by_sender_name_or_a_wrong_token(database, headers):
    ask(api(database), "warm-up-abcdefgh", headers)
    assert recorded(database, "warm-up-abcdefgh") == 1


def test_without_a_stack_token_nothing_counts_as_warm_up(database):
    ask(api(database, rasa_token=""), "warm-up-x", {HEADER: ""})
    assert recorded(database, "warm-up-x") == 1
