"""Forms left idle on WeChat and WeCom (``api.wechat.idle_forms``) through signed callbacks, on a migrated,
seeded database, with a Rasa stand-in on loopback that keeps an active form per sender.

Each message goes to a newly started app (as after an API restart), so the last message's time can only come
from the turn log; the clock of the second message is set through the app's ``clock`` dependency.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI, Request

from api.wechat.config import WeChatSettings
from api.wechat.idle_forms import clock
from knowledge_base.store.models import utcnow
from tests.integration.wechat_callbacks import AES_KEY, APP_ID, OPENID, TOKEN, Channel, serve, text_xml, wechat_app

FORM_START = "帮我梳理讨薪步骤"
FORM_QUESTION = "请问被拖欠工资多长时间了？"
NOTE = "您上次的问答已超过30分钟未继续，已为您结束。"


def form_rasa() -> FastAPI:
    """Rasa's REST channel and tracker for a bot with one form: ``FORM_START`` starts it, any other message is the
    form's answer while it is active, ``/restart`` ends it."""
    app = FastAPI()
    app.state.received, app.state.active = [], {}

    @app.post("/webhooks/farun/webhook")
    async def webhook(request: Request):
        body = await request.json()
        sender, message = body["sender"], body["message"]
        app.state.received.append(message)
        if message == "/restart":
            app.state.active.pop(sender, None)
            return []
        if message == FORM_START:
            app.state.active[sender] = "wage_triage_form"
            text = FORM_QUESTION
        elif sender in app.state.active:
            text = f"已记下：{message}"
        else:
            text = f"答复：{message}"
        return [{"recipient_id": sender, "text": text}]

    @app.get("/conversations/{sender}/tracker")
    def tracker(sender: str):
        form = app.state.active.get(sender)
        return {"sender_id": sender, "active_loop": {"name": form} if form else {}}

    return app


@pytest.fixture(scope="module")
def rasa():
    app = form_rasa()
    with serve(app) as url:
        yield app, url


@pytest.fixture
def ask(rasa, database):
    """``ask(kind, text, msg_id, later=None)``: the reply of a newly started app to one signed message, its clock
    ``later`` ahead of now when given."""
    settings = WeChatSettings(token=TOKEN, wecom_token=TOKEN, wecom_aes_key=AES_KEY, wecom_corp_id=APP_ID)
    rasa[0].state.received.clear()
    rasa[0].state.active.clear()

    @contextmanager
    def started(later: timedelta | None):
        app = wechat_app(rasa[1], settings)
        app.state.curation_db = database
        if later is not None:
            app.dependency_overrides[clock] = lambda: utcnow() + later
        with serve(app) as url, httpx.Client(base_url=url, timeout=30) as client:
            yield client

    def post(kind: str, text: str, msg_id: int, later: timedelta | None = None) -> str:
        source = "lisi" if kind == "wecom" else OPENID
        with started(later) as client:
            channel = Channel(kind, client)
            return channel.reply(channel.post(text_xml(text, msg_id, source)))["Content"]

    return post


@pytest.mark.parametrize("kind", ["wechat", "wecom"])
def test_a_form_idle_for_30_minutes_is_closed_before_the_next_message_is_answered(ask, rasa, kind):
    assert ask(kind, FORM_START, 6001) == FORM_QUESTION
    reply = ask(kind, "离婚财产怎么分", 6002, later=timedelta(minutes=31))
    assert reply == f"{NOTE}\n\n答复：离婚财产怎么分"
    assert rasa[0].state.received == [FORM_START, "/restart", "离婚财产怎么分"]


def test_a_form_idle_for_less_than_30_minutes_takes_the_next_message_as_its_answer(ask, rasa):
    assert ask("wechat", FORM_START, 6011) == FORM_QUESTION
    assert ask("wechat", "三个月", 6012, later=timedelta(minutes=29)) == "已记下：三个月"
    assert rasa[0].state.received == [FORM_START, "三个月"]


def test_without_an_active_form_a_long_silence_changes_nothing(ask, rasa):
    assert ask("wechat", "你好", 6021) == "答复：你好"
    assert ask("wechat", "工伤怎么认定", 6022, later=timedelta(hours=2)) == "答复：工伤怎么认定"
    assert rasa[0].state.received == ["你好", "工伤怎么认定"]


def test_the_first_message_of_a_user_is_answered_without_a_note(ask, rasa):
    assert ask("wechat", "加班费怎么算", 6031, later=timedelta(days=1)) == "答复：加班费怎么算"
    assert rasa[0].state.received == ["加班费怎么算"]
