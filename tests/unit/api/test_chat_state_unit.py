"""``POST /api/chat/reset`` and ``GET /api/chat/state`` in-process, Rasa replaced by a fake on httpx's mock transport.

The fake keeps one active form per sender, answers Rasa's tracker endpoint
with it and forgets it on ``/restart``, as Rasa does; every request it got is
kept, so the tests see what the API sent.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.conversation import FORM_TITLES, OTHER_FORM_TITLE, RESTART
from api.dependencies import rasa_client
from api.models import INVALID_SENDER
from api.rasa_client import RasaClient
from api.routers import chat
from api.settings import Settings

DOMAIN = Path(__file__).resolve().parents[3] / "bot" / "domain"
TOKEN = "unit-token"


class FakeRasa:
    def __init__(self):
        self.forms: dict[str, str] = {}
        self.requests: list[httpx.Request] = []
        self.down = False

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        if request.url.path == "/webhooks/farun/webhook":
            body = json.loads(request.content)
            if body["message"] == RESTART:
                self.forms.pop(body["sender"], None)
            return httpx.Response(200, json=[])
        sender = request.url.path.removeprefix("/conversations/").removesuffix("/tracker")
        form = self.forms.get(sender)
        return httpx.Response(200, json={"sender_id": sender, "active_loop": {"name": form} if form else {}})


@pytest.fixture
def rasa():
    return FakeRasa()


@pytest.fixture
def client(rasa):
    app = FastAPI()
    app.include_router(chat.router)
    settings = Settings(rasa_url="http://rasa.test", rasa_token=TOKEN)
    http = httpx.AsyncClient(transport=httpx.MockTransport(rasa.handle))
    app.dependency_overrides[rasa_client] = lambda: RasaClient(settings, http)
    with TestClient(app) as test_client:
        yield test_client


def test_the_state_names_the_waiting_form_in_chinese(client, rasa):
    rasa.forms["web-a1"] = "wage_triage_form"
    response = client.get("/api/chat/state", params={"sender": "web-a1"})
    assert response.status_code == 200
    assert response.json() == {"sender": "web-a1", "active_form": "wage_triage_form", "form_title": "讨薪步骤梳理"}
    tracker = rasa.requests[-1]
    assert tracker.url.path == "/conversations/web-a1/tracker"
    assert tracker.url.params["token"] == TOKEN and tracker.url.params["include_events"] == "NONE"


def test_without_a_form_the_state_says_so(client):
    response = client.get("/api/chat/state", params={"sender": "web-new"})
    assert response.json() == {"sender": "web-new", "active_form": None, "form_title": None}


def test_reset_sends_rasas_restart_and_the_form_is_gone(client, rasa):
    rasa.forms["web-b2"] = "legal_aid_form"
    response = client.post("/api/chat/reset", json={"sender": "web-b2"})
    assert response.status_code == 200 and response.json()["active_form"] is None
    [restart] = [r for r in rasa.requests if r.method == "POST"]
    assert json.loads(restart.content) == {"sender": "web-b2", "message": RESTART}
    assert client.get("/api/chat/state", params={"sender": "web-b2"}).json()["active_form"] is None


def test_a_form_not_yet_named_gets_a_general_title(client, rasa):
    rasa.forms["web-c3"] = "some_new_form"
    assert client.get("/api/chat/state", params={"sender": "web-c3"}).json()["form_title"] == OTHER_FORM_TITLE


def test_every_form_of_the_bot_has_a_chinese_title():
    forms = set()
    for path in DOMAIN.glob("*.yml"):
        forms |= set((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("forms") or {})
    assert forms and forms == set(FORM_TITLES)


@pytest.mark.parametrize("call", ["state", "reset"])
def test_rasa_down_is_a_503_in_chinese(client, rasa, call):
    rasa.down = True
    if call == "state":
        response = client.get("/api/chat/state", params={"sender": "web-d4"})
    else:
        response = client.post("/api/chat/reset", json={"sender": "web-d4"})
    assert response.status_code == 503 and "暂时连不上" in response.json()["detail"]


def test_a_bad_sender_is_refused_before_rasa_is_asked(client, rasa):
    state = client.get("/api/chat/state", params={"sender": "../status"})
    reset = client.post("/api/chat/reset", json={"sender": "a/b"})
    assert state.status_code == reset.status_code == 422
    assert INVALID_SENDER in state.text and INVALID_SENDER in reset.text
    assert client.get("/api/chat/state").status_code == 422
    assert rasa.requests == []
