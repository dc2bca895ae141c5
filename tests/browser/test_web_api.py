"""The web page's server side without a browser: the page and its assets are served, feedback is answered.

Feedback is stored as a turn in the curation database (tests/integration/test_unanswered.py);
without a database nothing is written anywhere, in particular no file under the data directory.
"""

from __future__ import annotations

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
    scripts = ["app.js", *(f"chat/{path.name}" for path in sorted((web.STATIC_DIR / "chat").glob("*.js")))]
    for asset in ("app.css", *scripts):
        response = client.get(f"/static/{asset}")
        assert response.status_code == 200
        assert "innerHTML" not in response.text and "http://" not in response.text and "https://" not in response.text
    imports = " ".join(client.get(f"/static/{script}").text for script in scripts)
    for script in scripts[1:]:  # every module of the page is used
        assert f'/{script.removeprefix("chat/")}"' in imports, f"{script} is imported by no module"


def test_feedback_is_thanked_and_writes_no_file(client, tmp_path):
    response = client.post(
        "/api/feedback",
        json={"sender": "web-abc", "value": "not_useful", "entry_ids": ["labor-wage-arrears"], "question": "拖欠工资"},
    )
    assert response.status_code == 200 and response.json() == {"ok": True, "message": "感谢您的反馈！"}
    assert list(tmp_path.iterdir()) == []


def test_bad_feedback_gets_a_clear_error(client, tmp_path):
    response = client.post("/api/feedback", json={"sender": "web-abc", "value": "maybe"})
    assert response.status_code == 422 and "value" in response.text
