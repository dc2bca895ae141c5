"""The chat request's checks at the door, through the real app: the sender's alphabet and text that is not Unicode.

The app runs without its lifespan (no index, no database): refused requests
never get that far, and accepted ones meet a Rasa that is down.
"""

from __future__ import annotations

import json

import httpx
import pytest
from fastapi.testclient import TestClient

from api.conversation import BUSY_REPLY
from api.main import create_app
from api.models import INVALID_SENDER, INVALID_TEXT
from api.stack import free_port


@pytest.fixture
def client(monkeypatch):
    monkeypatch.setenv("FARUN_RASA_URL", f"http://127.0.0.1:{free_port()}")
    app = create_app()
    app.state.http = httpx.AsyncClient()
    return TestClient(app)


def chat(client: TestClient, sender: str, message: str) -> httpx.Response:
    """Post the JSON as a client would write it: a lone surrogate becomes a ``\\ud800`` escape."""
    body = json.dumps({"sender": sender, "message": message})
    return client.post("/api/chat", content=body.encode(), headers={"Content-Type": "application/json"})


@pytest.mark.parametrize("sender", ["victim/tracker#", "a?x", "a\nb", "web-1\n", "../x", "a b", "会话", "a%2Fb"])
def test_a_sender_outside_letters_digits_dash_and_underscore_is_a_clear_422(client, sender):
    response = chat(client, sender, "你好")
    assert response.status_code == 422
    assert [(e["loc"], e["msg"]) for e in response.json()["detail"]] == [(["body", "sender"], INVALID_SENDER)]


@pytest.mark.parametrize("sender", ["", "x" * 129])
def test_an_empty_or_overlong_sender_is_a_422(client, sender):
    assert chat(client, sender, "你好").status_code == 422


@pytest.mark.parametrize("sender", ["web-k3j2h1g0f9", "eval-real-1a2b3c4d-dev-0001", "warm-up-0123abcd", "A_b-9"])
def test_the_senders_farun_itself_uses_pass(client, sender):
    response = chat(client, sender, "老板拖欠工资怎么办")
    assert response.status_code == 200
    assert response.json()["sender"] == sender and response.json()["replies"][0]["text"] == BUSY_REPLY


@pytest.mark.parametrize(
    ("sender", "message", "field", "shown"),
    [("web-1", "工资\ud800拖欠", "message", "工资\\ud800拖欠"), ("web-\udc00", "你好", "sender", "web-\\udc00")],
)
def test_text_that_is_not_valid_unicode_is_a_clear_422_not_a_500(client, sender, message, field, shown):
    response = chat(client, sender, message)
    assert response.status_code == 422
    assert [(e["loc"], e["msg"], e["input"]) for e in response.json()["detail"]] == [
        (["body", field], INVALID_TEXT, shown)  # the character shown escaped
    ]


def test_a_character_beyond_the_basic_plane_is_valid_unicode(client):
    response = chat(client, "web-1", "工资😀拖欠")  # written as a surrogate pair in the JSON
    assert response.status_code == 200
