"""The FastAPI app in-process (TestClient) without Rasa: search, statutes, chat input handling and health."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.conversation import BUSY_REPLY, EMPTY_MESSAGE_REPLY
from api.main import app
from api.stack import free_port


@pytest.fixture(scope="module")
def client():
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def rasa_down(monkeypatch):
    """Point the API at closed loopback ports instead of Rasa and the action server."""
    monkeypatch.setenv("FARUN_RASA_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("FARUN_ACTION_URL", f"http://127.0.0.1:{free_port()}/webhook")


def test_search_returns_ranked_hits_with_citations(client):
    response = client.get("/api/search", params={"q": "老板拖欠工资不发怎么办", "collection": "faq", "k": 4})
    assert response.status_code == 200
    data = response.json()
    assert data["query"] == "老板拖欠工资不发怎么办" and data["confident"] is True
    hits = data["hits"]
    assert 1 <= len(hits) <= 4
    assert [hit["score"] for hit in hits] == sorted((hit["score"] for hit in hits), reverse=True)
    assert hits[0]["area"] == "wage_arrears" and hits[0]["collection"] == "faq"
    for hit in hits:
        assert hit["answer"] and hit["citations"]
        for citation in hit["citations"]:
            assert citation["quote"] and citation["article"].startswith("第")
            assert citation["url"] == f"/api/statutes/{citation['short_name']}/{citation['article']}"


def test_search_collection_filter_and_bad_query(client):
    hits = client.get("/api/search", params={"q": "员工不签劳动合同", "collection": "guide"}).json()["hits"]
    assert hits and {hit["collection"] for hit in hits} == {"guide"}
    assert client.get("/api/search", params={"q": ""}).status_code == 422
    assert client.get("/api/search", params={"q": "工资", "collection": "nope"}).status_code == 422


def test_statute_article(client):
    response = client.get("/api/statutes/劳动合同法/82")
    assert response.status_code == 200
    data = response.json()
    assert "二倍的工资" in data["text"]
    assert (data["law"], data["short_name"], data["article"]) == (
        "中华人民共和国劳动合同法",
        "劳动合同法",
        "第八十二条",
    )
    assert client.get("/api/statutes/刑法/第二百七十六条之一").json()["article"] == "第二百七十六条之一"


def test_statute_errors_are_clear(client):
    unknown = client.get("/api/statutes/不存在的法/1")
    assert unknown.status_code == 404 and "未找到法律" in unknown.json()["detail"]
    bad = client.get("/api/statutes/劳动合同法/第abc条")
    assert bad.status_code == 422 and "不是有效的条文序号" in bad.json()["detail"]
    missing = client.get("/api/statutes/劳动合同法/900")
    assert missing.status_code == 404 and "没有第九百条" in missing.json()["detail"]


@pytest.mark.parametrize("message", ["", "   \n "])
def test_empty_message_gets_a_polite_reply_without_rasa(client, rasa_down, message):
    response = client.post("/api/chat", json={"sender": "unit", "message": message})
    assert response.status_code == 200
    replies = response.json()["replies"]
    assert [(reply["text"], reply["kind"]) for reply in replies] == [(EMPTY_MESSAGE_REPLY, "empty")]


def test_too_long_message_is_answered_without_rasa(client, rasa_down):
    response = client.post("/api/chat", json={"sender": "unit", "message": "工资" * 1001})
    assert response.status_code == 200
    [reply] = response.json()["replies"]
    assert reply["kind"] == "too_long" and "2000" in reply["text"]


def test_chat_with_rasa_down_gets_a_polite_reply(client, rasa_down):
    response = client.post("/api/chat", json={"sender": "unit", "message": "老板拖欠工资怎么办"})
    assert response.status_code == 200
    assert [(r["text"], r["kind"]) for r in response.json()["replies"]] == [(BUSY_REPLY, "unavailable")]


def test_chat_rejects_a_missing_sender(client):
    assert client.post("/api/chat", json={"message": "你好"}).status_code == 422


def test_health_with_rasa_down(client, rasa_down):
    response = client.get("/health")
    assert response.status_code == 503
    data = response.json()
    assert data["ok"] is False
    assert data["rasa"]["ok"] is False and data["action_server"]["ok"] is False
    assert data["index"]["ok"] is True


def test_the_rasa_token_is_passed_as_one_argument_even_if_it_looks_like_an_option(tmp_path, monkeypatch):
    """A random token once began with "-" and Rasa's argument parser took it for an option (CI failed). The token
    is not on Rasa's command line (``ps`` shows it to every local user): the launcher adds it from the environment."""
    import argparse

    from api import stack
    from bot.launch_rasa import rasa_argv

    for name in ("RASA_BIN", "MODEL"):
        path = tmp_path / name
        path.touch()
        monkeypatch.setattr(stack, name, path)
    parser = argparse.ArgumentParser()
    parser.add_argument("-t", "--auth-token")
    parser.add_argument("--enable-api", action="store_true")
    command = stack.Stack(rasa_port=1, action_port=2, api_port=3, token="-starts-with-a-dash").commands()["rasa"]
    assert not any("-starts-with-a-dash" in part for part in command)
    known, _ = parser.parse_known_args(rasa_argv("-starts-with-a-dash", command[3:])[2:])
    assert known.auth_token == "-starts-with-a-dash"
    assert not stack.Stack(rasa_port=1, action_port=2, api_port=3).token.startswith("-")
