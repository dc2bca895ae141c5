"""「转人工」 on WeChat through signed callbacks (plaintext mode, as WeChat signs them), on a migrated, seeded
database, with Rasa replaced by a fake on httpx's mock transport.

The handoff reply lands in the staff queue and tells the user to reply with a phone number; the next message
with a number is stored raw in that request only, answered by the API (Rasa never sees it), and logged masked.
Follows tests/integration/test_wechat_callback.py, self-contained.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import time
from contextlib import asynccontextmanager

import httpx
import pytest
import xmltodict
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.curation import handoffs
from api.routers import wechat
from api.settings import Settings, get_settings
from api.wechat.config import WeChatSettings, get_wechat_settings
from api.wechat.security import user_hash
from knowledge_base.store.handoffs import HandoffRequest
from knowledge_base.store.models import Turn

TOKEN = "123456"
OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
PHONE = "13912345678"


def fake_rasa(received: list[str]):
    def handle(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        received.append(body["message"])
        if body["message"] == "转人工":
            farun = {"kind": "handoff", "intent": "handoff", "reason": "requested", "last_question": None}
            text = "好的，为您转人工。\n您可以：\n1. 拨打12348公共法律服务热线"
            return httpx.Response(
                200, json=[{"recipient_id": body["sender"], "text": text, "custom": {"farun": farun}}]
            )
        farun = {"kind": "answer", "intent": "wage_arrears"}
        return httpx.Response(
            200, json=[{"recipient_id": body["sender"], "text": f"答复：{body['message']}", "custom": {"farun": farun}}]
        )

    return handle


@pytest.fixture
def callback(database):
    """``(post, received)``: ``post(text, msg_id)`` sends a signed text message and returns the reply's Content."""
    received: list[str] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.http = httpx.AsyncClient(transport=httpx.MockTransport(fake_rasa(received)))
        yield
        await app.state.http.aclose()

    app = FastAPI(lifespan=lifespan)
    app.include_router(wechat.router)
    app.state.curation_db = database
    app.dependency_overrides[get_settings] = lambda: Settings(rasa_url="http://rasa.test", handoff_hours="工作日处理。")
    app.dependency_overrides[get_wechat_settings] = lambda: WeChatSettings(token=TOKEN, reply_deadline=10)

    with TestClient(app) as client:

        def post(content: str, msg_id: int) -> str:
            timestamp, nonce = str(int(time.time())), str(secrets.randbelow(10**10))
            signature = hashlib.sha1("".join(sorted([TOKEN, timestamp, nonce])).encode()).hexdigest()
            xml = (
                f"<xml><ToUserName><![CDATA[gh_farun]]></ToUserName><FromUserName><![CDATA[{OPENID}]]></FromUserName>"
                f"<CreateTime>{timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>"
            )
            params = {"signature": signature, "timestamp": timestamp, "nonce": nonce, "openid": OPENID}
            response = client.post("/wechat/callback", params=params, content=xml.encode())
            assert response.status_code == 200, response.text
            return xmltodict.parse(response.text)["xml"]["Content"]

        yield post, received


def test_a_wechat_handoff_takes_a_phone_number_by_reply(callback, session, caplog):
    post, received = callback
    caplog.set_level(logging.DEBUG)

    handoff = post("转人工", 3001)
    assert "12348" in handoff and "已转给工作人员" in handoff and "直接回复您的手机号" in handoff
    assert "同意" in handoff and "工作日处理。" in handoff
    row = session.scalars(select(HandoffRequest)).one()
    sender = f"wechat-{user_hash(OPENID)}"
    assert (row.channel, row.sender, row.wants_callback) == ("wechat", handoffs.sender_key("wechat", sender), False)

    confirmation = post(f"{PHONE} 明天上午", 3002)
    assert "已记下您的回电号码（尾号5678）" in confirmation and "明天上午" in confirmation
    assert received == ["转人工"], "the message with the phone number reached Rasa"
    session.expire_all()
    row = session.get(HandoffRequest, row.id)
    assert (row.callback_phone, row.callback_time, row.wants_callback) == (PHONE, "明天上午", True)
    texts = session.scalars(select(Turn.text).where(Turn.channel == "wechat").order_by(Turn.id)).all()
    assert texts == ["转人工", "139****5678 明天上午"]
    assert PHONE not in caplog.text
    assert all(OPENID not in record.getMessage() for record in caplog.records if record.name.startswith("api"))

    assert post("老板拖欠工资怎么办", 3003) == "答复：老板拖欠工资怎么办"  # an ordinary question still goes to the bot
