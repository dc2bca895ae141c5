"""Opinions on a draft sent in the chat (``api.curation.legislation_comments``) through the real message path:
``POST /api/chat`` (TestClient) on a migrated, seeded SQLite database holding a published consultation, with Rasa
replaced by a fake on httpx's mock transport that answers like Rasa's REST channel and keeps a tracker.

After the bot asks for an opinion (a reply of kind ``legislation_comment_prompt``), the next message is stored,
masked, as the comment on that article (or the whole draft) and answered by the API; it never reaches Rasa. One
prompt takes one comment: a repeat of the message, or a retry after a crash between storing and replying, is not
stored twice. A closed consultation, an overlong message and a conversation over the rate limit are refused politely.
The same through signed WeChat callbacks (plaintext mode, as in tests/integration/test_wechat_handoff.py), where a
retry of the MsgId reaching a restarted API (a new callback de-duplication) stores nothing twice either.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
import pytest
import xmltodict
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from actions import payload
from api.curation import legislation_comments as comments
from api.curation.masking import sender_hash
from api.routers import chat, wechat
from api.settings import Settings, get_settings
from api.wechat.config import WeChatSettings, get_wechat_settings
from api.wechat.security import user_hash
from knowledge_base.drafts import parse_markdown
from knowledge_base.store import consultations as store
from knowledge_base.store.models import Turn, User, utcnow

DRAFT = "# 某市游泳场所卫生管理办法\n第一条 为了保障游泳者健康，制定本办法。\n第二条 游泳场所应当每天检测水质。"
ASK_ARTICLE, ASK_WHOLE = "请让我对第二条提意见", "请让我对整部草案提意见"
BUTTONS = [{"title": "继续阅读", "payload": '/legislation{"legislation_step": "open"}'}]
PROMPT_TEXT = "请直接发送您的意见。"


class FakeRasa:
    """Rasa's REST channel and tracker: ``ASK_ARTICLE``/``ASK_WHOLE`` get an opinion prompt, anything else an answer;
    the tracker holds the events of every message it was sent."""

    def __init__(self, consultation_id: int, article_id: int):
        self.consultation_id, self.article_id = consultation_id, article_id
        self.received: list[str] = []
        self.events: list[dict] = []
        self.down = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("rasa is down")
        if request.method == "GET":
            return httpx.Response(200, json={"sender_id": "x", "slots": {}, "events": self.events})
        sender, message = json.loads(request.content)["sender"], json.loads(request.content)["message"]
        self.received.append(message)
        if message in (ASK_ARTICLE, ASK_WHOLE):
            article = self.article_id if message == ASK_ARTICLE else None
            farun = payload.build(
                payload.COMMENT_PROMPT, "legislation", [], consultation=self.consultation_id, article=article
            )
            text, buttons = PROMPT_TEXT, BUTTONS
        else:
            farun, text, buttons = payload.build("answer", "wage_arrears", []), f"答复：{message}", []
        self.events += [
            {"event": "user", "text": message},
            {"event": "bot", "text": text, "data": {"buttons": buttons, "custom": farun}},
        ]
        return httpx.Response(
            200,
            json=[
                {"recipient_id": sender, "text": text, "buttons": buttons},
                {"recipient_id": sender, "custom": farun},
            ],
        )


@pytest.fixture
def consultation(session):
    """A published consultation open today: ``(id, [article ids])``."""
    actor = session.scalars(select(User).where(User.username == "reviewer")).one()
    today = store.beijing_today()
    row = store.create_consultation(
        session,
        actor,
        title="",
        issuer="某市司法局",
        summary="",
        opens_on=today,
        closes_on=today + timedelta(days=30),
        draft=parse_markdown(DRAFT),
    )
    store.publish(session, actor, row)
    session.commit()
    return row.id, [article.id for article in row.articles]


@pytest.fixture
def api(database, consultation):
    """``(client, rasa)``: the chat route on this test's database with the fake Rasa."""
    rasa = FakeRasa(consultation[0], consultation[1][1])
    app = FastAPI()
    app.include_router(chat.router)
    app.state.curation_db = database
    app.state.http = httpx.AsyncClient(transport=httpx.MockTransport(rasa))
    app.dependency_overrides[get_settings] = lambda: Settings(rasa_url="http://rasa.test")
    with TestClient(app) as client:
        yield client, rasa


def say(client: TestClient, sender: str, message: str) -> dict:
    response = client.post("/api/chat", json={"sender": sender, "message": message})
    assert response.status_code == 200, response.text
    return response.json()["replies"][0]


def stored(session) -> list[store.ConsultationComment]:
    session.expire_all()
    return list(session.scalars(select(store.ConsultationComment).order_by(store.ConsultationComment.id)))


def test_the_message_after_the_prompt_is_the_comment_stored_masked_and_not_sent_to_rasa(api, session, consultation):
    client, rasa = api
    assert say(client, "web-c1", ASK_ARTICLE)["kind"] == payload.COMMENT_PROMPT
    sent = len(rasa.received)

    reply = say(client, "web-c1", "开放时间应当公示，有问题请打13912345678")

    assert len(rasa.received) == sent, "the comment reached Rasa"
    assert reply["kind"] == comments.STORED_KIND
    assert "《某市游泳场所卫生管理办法》第二条的意见" in reply["text"] and "我的意见" in reply["text"]
    assert reply["buttons"] == BUTTONS  # the prompt's own buttons, already offered to this conversation
    [row] = stored(session)
    assert (row.consultation_id, row.article_id, row.channel) == (consultation[0], consultation[1][1], "web")
    assert row.text == "开放时间应当公示，有问题请打139****5678" and row.sender == sender_hash("web-c1")
    turn = session.scalars(select(Turn).order_by(Turn.id.desc())).first()
    assert (turn.kind, turn.text) == (comments.STORED_KIND, row.text)

    assert say(client, "web-c1", "老板欠薪怎么办")["kind"] == "answer"  # the prompt is over
    assert rasa.received[-1] == "老板欠薪怎么办" and len(stored(session)) == 1


def test_a_comment_on_the_whole_draft_has_no_article(api, session):
    client, _ = api
    say(client, "web-c2", ASK_WHOLE)
    assert "整部草案" in say(client, "web-c2", "建议增加对儿童的保护")["text"]
    assert [(row.article_id, row.text) for row in stored(session)] == [(None, "建议增加对儿童的保护")]


def test_a_repeated_message_or_a_retry_after_a_crash_is_stored_once(api, session):
    client, rasa = api
    say(client, "web-c3", ASK_ARTICLE)
    say(client, "web-c3", "水质结果要每天公示")
    sent = len(rasa.received)
    again = say(client, "web-c3", "水质结果要每天公示")  # the web page posting the same message twice
    assert again["text"] == comments.STORED_BEFORE and len(rasa.received) == sent
    assert len(stored(session)) == 1

    say(client, "web-c4", ASK_ARTICLE)  # a crash after the comment was committed, before the reply was logged
    prompt = session.scalars(select(Turn).where(Turn.sender == sender_hash("web-c4"))).one()
    consultation = store.get_consultation(session, stored(session)[0].consultation_id)
    store.add_comment(
        session, consultation, sender=sender_hash("web-c4"), channel="web", message_id=f"chat-{prompt.id}", text="甲"
    )
    session.commit()
    assert say(client, "web-c4", "甲")["text"] == comments.STORED_BEFORE
    assert len(stored(session)) == 2


def test_a_closed_consultation_refuses_and_the_next_message_goes_to_the_bot(api, session, consultation):
    client, rasa = api
    say(client, "web-c5", ASK_ARTICLE)
    actor = session.scalars(select(User).where(User.username == "reviewer")).one()
    store.close(session, actor, store.get_consultation(session, consultation[0]))
    session.commit()

    reply = say(client, "web-c5", "我的意见来晚了")
    assert reply["kind"] == comments.REFUSED_KIND and "已经截止" in reply["text"]
    assert stored(session) == [] and "我的意见来晚了" not in rasa.received
    assert say(client, "web-c5", "还有别的问题")["kind"] == "answer"


def test_an_overlong_comment_is_refused_and_a_shorter_one_is_taken(api, session):
    client, _ = api
    say(client, "web-c6", ASK_ARTICLE)
    reply = say(client, "web-c6", "长" * (store.MAX_COMMENT_CHARS + 1))
    assert reply["kind"] == comments.AGAIN_KIND and f"超过了{store.MAX_COMMENT_CHARS}字的上限" in reply["text"]
    assert stored(session) == []
    assert say(client, "web-c6", "短一点的意见")["kind"] == comments.STORED_KIND
    assert [row.text for row in stored(session)] == ["短一点的意见"]


def test_a_conversation_over_the_rate_limit_is_refused(api, session, consultation):
    client, _ = api
    row = store.get_consultation(session, consultation[0])
    for number in range(store.RATE_LIMIT):
        store.add_comment(
            session, row, sender=sender_hash("web-c7"), channel="web", message_id=f"m-{number}", text="甲"
        )
    session.commit()
    say(client, "web-c7", ASK_ARTICLE)
    reply = say(client, "web-c7", "再提一条")
    assert reply["kind"] == comments.REFUSED_KIND and "频繁" in reply["text"]
    assert len(stored(session)) == store.RATE_LIMIT
    say(client, "web-c8", ASK_ARTICLE)  # another conversation is not limited by this one
    assert say(client, "web-c8", "再提一条")["kind"] == comments.STORED_KIND


def test_an_old_prompt_or_another_conversations_prompt_takes_nothing(api, session):
    client, rasa = api
    say(client, "web-c9", ASK_ARTICLE)
    assert say(client, "web-other", "不是意见")["kind"] == "answer"
    session.execute(update(Turn).values(at=utcnow() - comments.WAIT_FOR_COMMENT - timedelta(minutes=1)))
    session.commit()
    assert say(client, "web-c9", "过了很久才回复")["kind"] == "answer"
    assert rasa.received[-1] == "过了很久才回复" and stored(session) == []


def test_when_rasa_is_down_the_comment_is_not_lost_but_asked_again(api, session):
    client, rasa = api
    say(client, "web-c10", ASK_ARTICLE)
    rasa.down = True
    assert say(client, "web-c10", "我的意见")["text"] == comments.NOT_STORED
    rasa.down = False
    assert say(client, "web-c10", "我的意见")["kind"] == comments.STORED_KIND
    assert session.scalar(select(func.count(store.ConsultationComment.id))) == 1


TOKEN, OPENID = "123456", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"


def wechat_api(database, rasa: FakeRasa) -> TestClient:
    """A fresh API process's WeChat callback (its own retry de-duplication) on this database and fake Rasa."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.http = httpx.AsyncClient(transport=httpx.MockTransport(rasa))
        yield
        await app.state.http.aclose()

    app = FastAPI(lifespan=lifespan)
    app.include_router(wechat.router)
    app.state.curation_db = database
    app.dependency_overrides[get_settings] = lambda: Settings(rasa_url="http://rasa.test")
    app.dependency_overrides[get_wechat_settings] = lambda: WeChatSettings(token=TOKEN, reply_deadline=10)
    return TestClient(app)


def post(client: TestClient, content: str, msg_id: int) -> str:
    """A signed WeChat text message; the passive reply's Content."""
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


def test_a_wechat_comment_is_stored_once_even_when_its_retry_reaches_a_restarted_api(database, session, consultation):
    rasa = FakeRasa(consultation[0], consultation[1][0])
    with wechat_api(database, rasa) as client:
        assert post(client, ASK_ARTICLE, 5001).startswith(PROMPT_TEXT)
        reply = post(client, "第一条写得好，电话13912345678", 5002)
    assert "第一条的意见" in reply and "1. 继续阅读" in reply  # the prompt's buttons as numbered choices
    assert rasa.received == [ASK_ARTICLE], "the comment reached Rasa"
    [row] = stored(session)
    assert (row.article_id, row.channel, row.text) == (consultation[1][0], "wechat", "第一条写得好，电话139****5678")
    assert row.sender == sender_hash(f"wechat-{user_hash(OPENID)}")

    with wechat_api(database, rasa) as restarted:  # WeChat retries MsgId 5002 after the first process died
        assert post(restarted, "第一条写得好，电话13912345678", 5002).startswith(comments.STORED_BEFORE)
    assert len(stored(session)) == 1 and rasa.received == [ASK_ARTICLE]
