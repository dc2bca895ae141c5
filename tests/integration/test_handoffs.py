"""Handoff requests through the real message path: ``POST /api/chat`` and ``POST /api/handoffs/{id}/callback``
(TestClient) on a migrated, seeded SQLite database, with Rasa replaced by a fake on httpx's mock transport.

A handoff reply makes a request with the last turns (masked) and no call-back; a phone number sent next is
stored raw in that request only — never sent to Rasa, masked in the turn log, the audit log and the server's
log — and answered by the API itself. Closing a request and the 30-day purge (also ``farun handoffs purge``)
delete the number.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, text, update

from api.curation import handoffs
from api.routers import chat
from api.routers import handoffs as handoff_router
from api.settings import Settings, get_settings
from knowledge_base.store.handoffs import HandoffRequest
from knowledge_base.store.models import AuditEvent, Turn, User, utcnow
from tests.helpers import farun

PHONE = "13912345678"
HOURS = "工作人员在工作日查看求助。"
HANDOFF_TEXT = "好的，为您转人工。\n您可以：\n1. 找村（社区）法律顾问"


def fake_rasa(received: list[str]):
    """Answers like Rasa's REST channel: 「转人工」 gets a handoff reply, anything else an answer."""

    def handle(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        received.append(body["message"])
        sender, message = body["sender"], body["message"]
        if message == "转人工":
            farun = {"kind": "handoff", "intent": "handoff", "reason": "requested", "last_question": "老板欠薪"}
            nlu = {"intent": "handoff", "confidence": 0.99}
            return httpx.Response(
                200,
                json=[
                    {"recipient_id": sender, "text": HANDOFF_TEXT, "custom": {"farun": farun}},
                    {"recipient_id": sender, "custom": {"farun_nlu": nlu}},
                ],
            )
        answer = {"kind": "answer", "intent": "wage_arrears", "entry_ids": [], "citations": []}
        return httpx.Response(
            200, json=[{"recipient_id": sender, "text": f"答复：{message}", "custom": {"farun": answer}}]
        )

    return handle


@pytest.fixture
def api(database):
    """``(client, received)``: the chat and call-back routes on this test's database; ``received``: what Rasa got."""
    received: list[str] = []
    app = FastAPI()
    app.include_router(chat.router)
    app.include_router(handoff_router.router)
    app.state.curation_db = database
    app.state.http = httpx.AsyncClient(transport=httpx.MockTransport(fake_rasa(received)))
    app.dependency_overrides[get_settings] = lambda: Settings(rasa_url="http://rasa.test", handoff_hours=HOURS)
    with TestClient(app) as client:
        yield client, received


def say(client: TestClient, sender: str, message: str) -> dict:
    response = client.post("/api/chat", json={"sender": sender, "message": message})
    assert response.status_code == 200, response.text
    return response.json()["replies"][0]


def test_a_handoff_makes_a_request_with_the_last_turns_and_no_callback(api, session):
    client, _ = api
    say(client, "web-h1", "老板欠我工资，我电话13800001111")
    reply = say(client, "web-h1", "转人工")

    assert reply["kind"] == "handoff" and reply["handoff_id"]
    assert reply["text"].startswith(HANDOFF_TEXT)
    assert f"编号 {reply['handoff_id']}" in reply["text"] and HOURS in reply["text"]
    assert "在下方留下电话号码" in reply["text"]
    row = session.get(HandoffRequest, reply["handoff_id"])
    assert (row.status, row.reason, row.channel, row.wants_callback, row.callback_phone) == (
        "open",
        "requested",
        "web",
        False,
        None,
    )
    assert row.sender == handoffs.sender_key("web", "web-h1")
    assert [turn["text"] for turn in row.last_turns] == ["老板欠我工资，我电话138****1111", "转人工"]
    assert row.last_turns[-1]["kind"] == "handoff"
    audit = session.scalars(select(AuditEvent).where(AuditEvent.target == f"handoff/{row.id}")).all()
    assert [event.action for event in audit] == ["handoff_open"]


def test_a_phone_after_a_handoff_is_stored_only_in_the_request(api, session, database, caplog):
    client, received = api
    caplog.set_level(logging.DEBUG)
    request_id = say(client, "wechat-abc", "转人工")["handoff_id"]
    sent_before = len(received)

    reply = say(client, "wechat-abc", f"我的电话是{PHONE}，工作日下午")

    assert len(received) == sent_before, "the message with the phone number reached Rasa"
    assert reply["kind"] == handoffs.CALLBACK_KIND
    assert "尾号5678" in reply["text"] and PHONE not in reply["text"] and "工作日下午" in reply["text"]
    row = session.get(HandoffRequest, request_id)
    assert (row.callback_phone, row.callback_time, row.wants_callback) == (PHONE, "工作日下午", True)
    turn = session.scalars(select(Turn).order_by(Turn.id.desc())).first()
    assert (turn.kind, turn.text) == (handoffs.CALLBACK_KIND, "我的电话是139****5678，工作日下午")
    assert PHONE not in caplog.text
    with database.engine.connect() as connection:  # the raw number is in one column of one table, nowhere else
        for (table,) in connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")):
            rows = connection.execute(text(f'SELECT * FROM "{table}"')).all()
            holders = [value for row in rows for value in row if isinstance(value, str) and PHONE in value]
            assert holders == ([PHONE] if table == "handoff_requests" else []), table


def test_a_phone_without_a_recent_handoff_goes_to_the_bot_masked(api, session):
    client, received = api
    request_id = say(client, "web-h2", "转人工")["handoff_id"]
    session.execute(
        update(HandoffRequest)
        .where(HandoffRequest.id == request_id)
        .values(created_at=utcnow() - timedelta(minutes=31))
    )
    session.commit()

    reply = say(client, "web-h2", PHONE)
    assert reply["kind"] == "answer" and received[-1] == "139****5678"
    assert say(client, "web-other", PHONE)["kind"] == "answer"  # another conversation's handoff does not count
    assert session.get(HandoffRequest, request_id).callback_phone is None


def test_a_long_question_with_a_phone_number_is_not_a_callback(api, session):
    client, received = api
    request_id = say(client, "web-h3", "转人工")["handoff_id"]
    question = f"老板的电话是{PHONE}，一直不接，拖欠我三个月工资，还把我拉黑了，能不能去申请劳动仲裁？"
    assert say(client, "web-h3", question)["kind"] == "answer"
    assert PHONE not in received[-1]
    assert session.get(HandoffRequest, request_id).callback_phone is None


def callback(client: TestClient, request_id: int, **body) -> httpx.Response:
    return client.post(f"/api/handoffs/{request_id}/callback", json={"sender": "web-h4", "consent": True, **body})


def test_the_web_form_checks_the_phone_the_consent_and_the_conversation(api, session):
    client, received = api
    request_id = say(client, "web-h4", "转人工")["handoff_id"]
    sent_before = len(received)

    refused = callback(client, request_id, phone="12345")
    assert refused.status_code == 422 and refused.json()["detail"] == handoffs.INVALID_PHONE
    assert callback(client, request_id, phone="010-12345678").status_code == 422  # only 0519 landlines
    no_consent = callback(client, request_id, phone=PHONE, consent=False)
    assert no_consent.status_code == 422 and "勾选同意" in no_consent.json()["detail"]
    assert callback(client, request_id, phone=PHONE, sender="web-someone-else").status_code == 404
    assert callback(client, 999999, phone=PHONE).status_code == 404
    assert session.get(HandoffRequest, request_id).callback_phone is None

    accepted = callback(client, request_id, phone="0519-8600 1234", time="明天上午")
    assert accepted.status_code == 200 and "明天上午" in accepted.json()["message"]
    session.expire_all()
    row = session.get(HandoffRequest, request_id)
    assert (row.callback_phone, row.callback_time, row.wants_callback) == ("0519-86001234", "明天上午", True)
    assert len(received) == sent_before


def test_closing_a_request_deletes_its_phone(api, session):
    client, _ = api
    request_id = say(client, "web-h4", "转人工")["handoff_id"]
    assert callback(client, request_id, phone=PHONE).status_code == 200
    staff = session.scalar(select(User).where(User.username == "editor"))
    session.expire_all()
    row = session.get(HandoffRequest, request_id)
    handoffs.close(session, staff, row)
    session.commit()
    assert (row.status, row.callback_phone, row.wants_callback) == ("done", None, True)
    assert row.closed_at is not None
    assert callback(client, request_id, phone=PHONE).status_code == 409
    details = " ".join(event.detail for event in session.scalars(select(AuditEvent)))
    assert PHONE not in details and "139****5678" in details


def test_the_purge_deletes_phones_older_than_30_days(session):
    old = HandoffRequest(sender="web:0", channel="web", reason="requested", last_turns=[], callback_phone=PHONE)
    new = HandoffRequest(sender="web:1", channel="web", reason="requested", last_turns=[], callback_phone=PHONE)
    session.add_all([old, new])
    session.flush()
    old.created_at = old.created_at - timedelta(days=31)
    session.commit()

    assert handoffs.purge_phones(session) == 1
    assert (old.callback_phone, new.callback_phone) == (None, PHONE)
    assert handoffs.purge_phones(session) == 0
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.target == f"handoff/{old.id}")).all()
    assert actions == ["handoff_purge"]


def test_the_purge_command(tmp_path):
    result = farun(tmp_path, "handoffs", "purge")
    assert result.returncode == 0, result.stderr
    assert "已删除 0 条" in result.stdout
