"""Rate limits of ``POST /api/chat`` and ``POST /api/feedback`` (``api.rate_limits``), and feedback's size limits.

The whole app without its lifespan; Rasa is down (a chat message that passes
the limit gets the busy reply) and there is no curation database (feedback
that passes is thanked, not stored). TestClient's address is ``testclient``.
"""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient

from api.conversation import BUSY_REPLY
from api.main import create_app
from api.rate_limits import CHAT_TOO_FAST, FEEDBACK_TOO_FAST, async_url
from api.stack import free_port


@pytest.fixture
def make_client(monkeypatch):
    def make(**env: str) -> TestClient:
        monkeypatch.setenv("FARUN_RASA_URL", f"http://127.0.0.1:{free_port()}")
        settings = {
            "FARUN_CHAT_LIMIT_SENDER": "3/minute",
            "FARUN_CHAT_LIMIT_ADDRESS": "5/minute",
            "FARUN_FEEDBACK_LIMIT_SENDER": "2/minute",
            "FARUN_FEEDBACK_LIMIT_ADDRESS": "4/minute",
            **env,
        }
        for name, value in settings.items():
            monkeypatch.setenv(name, value)
        app = create_app()
        app.state.http = httpx.AsyncClient()
        return TestClient(app)

    return make


def chat(client: TestClient, sender: str) -> httpx.Response:
    return client.post("/api/chat", json={"sender": sender, "message": "老板拖欠工资怎么办"})


def feedback(client: TestClient, sender: str, **fields) -> httpx.Response:
    return client.post("/api/feedback", json={"sender": sender, "value": "useful", **fields})


def test_chat_under_the_limit_passes_and_over_it_gets_a_polite_429(make_client):
    client = make_client()
    for _ in range(3):
        response = chat(client, "web-fast")
        assert response.status_code == 200 and response.json()["replies"][0]["text"] == BUSY_REPLY
    refused = chat(client, "web-fast")
    assert refused.status_code == 429
    body = refused.json()
    assert body["sender"] == "web-fast" and body["intent"] is None
    assert [(r["text"], r["kind"]) for r in body["replies"]] == [(CHAT_TOO_FAST, "rate_limited")]
    assert "太快" in CHAT_TOO_FAST and refused.headers["Retry-After"] == "60"
    assert chat(client, "web-other").status_code == 200  # another sender is not held up


def test_chat_is_limited_per_client_address_across_senders(make_client):
    client = make_client()
    assert [chat(client, f"web-{n}").status_code for n in range(6)] == [200] * 5 + [429]


def test_an_exempt_address_is_counted_per_sender_only(make_client):
    client = make_client(FARUN_RATE_LIMIT_EXEMPT="testclient")
    assert [chat(client, f"web-{n}").status_code for n in range(6)] == [200] * 6
    assert [chat(client, "web-same").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_limits_can_be_switched_off(make_client):
    client = make_client(FARUN_RATE_LIMITS="off")
    assert {chat(client, "web-fast").status_code for _ in range(8)} == {200}


def test_feedback_over_the_limit_gets_a_chinese_429(make_client):
    client = make_client()
    assert [feedback(client, "web-1").status_code for _ in range(3)] == [200, 200, 429]
    refused = feedback(client, "web-1")
    assert refused.status_code == 429 and refused.json() == {"detail": FEEDBACK_TOO_FAST}
    # 4 per address: the two refused by the sender's limit did not count
    assert [feedback(client, f"web-{n}").status_code for n in (2, 3, 4)] == [200, 200, 429]


@pytest.mark.parametrize(
    "fields",
    [
        {"entry_ids": ["x" * 1_000_000]},
        {"question": "问" * 1_000_000},
        {"entry_ids": ["a"] * 11},
        {"answer": "x" * 65},
    ],
)
def test_feedback_fields_are_size_limited(make_client, fields):
    response = feedback(make_client(FARUN_RATE_LIMITS="off"), "web-1", **fields)
    assert response.status_code in (413, 422)


def test_feedback_sender_is_a_safe_id(make_client):
    assert feedback(make_client(FARUN_RATE_LIMITS="off"), "a b/c").status_code == 422


def test_storage_urls_name_limits_asyncio_storages():
    assert async_url("memory://") == "async+memory://"
    assert async_url("redis://127.0.0.1:6379/0") == "async+redis://127.0.0.1:6379/0"
    assert async_url("async+redis://h") == "async+redis://h"
