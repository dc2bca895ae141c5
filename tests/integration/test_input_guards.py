"""Input no route can store is a clear 4xx, never a 500 (``api.input_guards``), through the whole app.

The app runs without its lifespan (no index) on a seeded copy of the curation
database; Rasa is down, which the accepted chat message meets.
"""

from __future__ import annotations

import json

import httpx
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.models import INVALID_TEXT
from api.stack import free_port
from tests.helpers import Staff

HUGE = str(2**64)  # beyond what a database column holds


@pytest.fixture
def whole_app(database, tmp_path, monkeypatch):
    monkeypatch.setenv("FARUN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("FARUN_RASA_URL", f"http://127.0.0.1:{free_port()}")
    app = create_app()
    app.state.curation_db = database
    app.state.http = httpx.AsyncClient()
    return app


@pytest.fixture
def client(whole_app):
    return TestClient(whole_app, raise_server_exceptions=False)


def post_json(client: TestClient, url: str, value: dict) -> httpx.Response:
    """The JSON as a client writes it: a lone surrogate becomes a ``\\ud800`` escape."""
    return client.post(url, content=json.dumps(value).encode(), headers={"Content-Type": "application/json"})


@pytest.mark.parametrize(
    ("url", "body", "loc", "shown"),
    [
        (
            "/api/feedback",
            {"sender": "web-1", "value": "useful", "question": "工资\ud800"},
            ["question"],
            "工资\\ud800",
        ),
        ("/api/feedback", {"sender": "web-\udfff", "value": "useful"}, ["sender"], "web-\\udfff"),
        ("/api/curation/login", {"username": "ad\ud83dmin", "password": "x"}, ["username"], "ad\\ud83dmin"),
        ("/api/feedback", {"sender": "web-1", "value": "useful", "entry_ids": ["a", "\udc00"]}, ["entry_ids", 1], None),
    ],
)
def test_a_lone_surrogate_in_any_json_body_is_a_chinese_422(client, url, body, loc, shown):
    response = post_json(client, url, body)
    assert response.status_code == 422, response.text
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", *loc] and error["msg"] == INVALID_TEXT
    if shown:
        assert error["input"] == shown


def test_bytes_that_are_not_utf8_are_a_chinese_422(client):
    body = b'{"sender": "web-1", "value": "useful", "question": "\xed\xa0\x80"}'
    response = client.post("/api/feedback", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == INVALID_TEXT


def test_valid_text_passes_the_guard(client):
    response = post_json(client, "/api/feedback", {"sender": "web-1", "value": "useful", "question": "工资😀 \\ud800"})
    assert response.status_code == 200, response.text  # a pair, and a backslash written as text
    assert post_json(client, "/api/chat", {"sender": "web-1", "message": "你好"}).status_code == 200


@pytest.mark.parametrize("item", [HUGE, "0", "-1"])
def test_an_unanswered_id_out_of_range_is_a_4xx_on_the_json_api(client, item):
    token = post_json(client, "/api/curation/login", {"username": "reviewer", "password": "correct-horse-42"})
    headers = {"Authorization": f"Bearer {token.json()['token']}"}
    response = client.get(f"/api/curation/unanswered/{item}/draft", headers=headers)
    assert response.status_code in (404, 422), response.text


@pytest.mark.parametrize(
    "url",
    [
        f"/admin/unanswered/{HUGE}/draft",
        f"/admin/unanswered/1/draft?group={HUGE}",
        f"/admin/unanswered/{HUGE}/draft?group=1",
    ],
)
def test_an_unanswered_id_beyond_int64_is_a_4xx_page_not_a_500(whole_app, url):
    editor = Staff(whole_app, "editor")
    editor.client = TestClient(whole_app, raise_server_exceptions=False, cookies=editor.client.cookies)
    response = editor.get(url)
    assert response.status_code in (404, 422), response.text
    assert "text/html" in response.headers["content-type"]
