"""The web page's server side without a browser: the page and its assets are served, feedback is recorded."""
from __future__ import annotations

import json

import pytest
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.testclient import TestClient

from api.routers import web


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.setenv("FARUN_DATA_DIR", str(tmp_path))
    app = FastAPI()
    app.include_router(web.router)
    app.mount("/static", StaticFiles(directory=web.STATIC_DIR), name="static")
    return TestClient(app)


def test_page_and_assets_are_served_locally(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "法润" in page.text and "仅供参考" in page.text
    for asset in ("/static/app.js", "/static/app.css"):
        assert client.get(asset).status_code == 200
    assert "innerHTML" not in client.get("/static/app.js").text


def test_feedback_is_appended_with_a_hashed_sender(client, tmp_path):
    response = client.post("/api/feedback", json={"sender": "web-abc", "value": "not_useful",
                                                   "entry_ids": ["labor-wage-arrears"], "question": "拖欠工资"})
    assert response.status_code == 200 and response.json()["ok"]
    record = json.loads((tmp_path / "feedback.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert record["value"] == "not_useful" and record["entry_ids"] == ["labor-wage-arrears"]
    assert record["channel"] == "web" and record["sender"] != "web-abc"


def test_bad_feedback_gets_a_clear_error(client, tmp_path):
    assert client.post("/api/feedback", json={"sender": "web-abc", "value": "maybe"}).status_code == 422
    assert not (tmp_path / "feedback.jsonl").exists()
