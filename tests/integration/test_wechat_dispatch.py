"""Late answers on WeChat and WeCom (``api.wechat.dispatch``) over real HTTP: each retry of a message waits only
within its own window, the last one says the system is busy, and with a sender the answer goes out later.

The app, a Rasa stand-in answering after a set delay, and stand-ins for WeChat's customer-service API and WeCom's
message API all run on loopback (uvicorn in threads). Retries are sent as WeChat sends them: the same message
again while the earlier request is still open. Windows are shortened (0.8 s instead of 4.5 s, a hold of 1 s
instead of 5.5 s, retries 1.2 s apart instead of 5 s) so the tests take seconds.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import httpx
import pytest
from fastapi import FastAPI, Request

from api.conversation import BUSY_REPLY
from api.wechat.config import WeChatSettings
from tests.integration.wechat_callbacks import (
    AES_KEY,
    APP_ID,
    APP_SECRET,
    OPENID,
    TOKEN,
    Channel,
    serve,
    text_xml,
    wait_for,
    wechat_app,
)

WINDOW, HOLD, RETRY_GAP = 0.8, 1.0, 1.2
AGENT_ID, WECOM_SECRET, WECOM_USER = "1000002", "agent-s3cret", "zhangsan"


def slow_rasa() -> FastAPI:
    """Answers like Rasa's REST channel after ``app.state.delay`` seconds."""
    app = FastAPI()
    app.state.received, app.state.delay = [], 0.0

    @app.post("/webhooks/farun/webhook")
    async def webhook(request: Request):
        body = await request.json()
        app.state.received.append(body["message"])
        await asyncio.sleep(app.state.delay)
        return [{"recipient_id": body["sender"], "text": f"答复：{body['message']}"}]

    return app


def fake_wecom_api() -> FastAPI:
    """The token and application-message endpoints of qyapi.weixin.qq.com."""
    app = FastAPI()
    app.state.sent = []

    @app.get("/cgi-bin/gettoken")
    def token(corpid: str, corpsecret: str):
        if (corpid, corpsecret) != (APP_ID, WECOM_SECRET):
            return {"errcode": 40001, "errmsg": "invalid credential"}
        return {"errcode": 0, "access_token": "wecom-token", "expires_in": 7200}

    @app.post("/cgi-bin/message/send")
    async def send(access_token: str, request: Request):
        if access_token != "wecom-token":
            return {"errcode": 40014, "errmsg": "invalid access_token"}
        app.state.sent.append(await request.json())
        return {"errcode": 0, "errmsg": "ok", "invaliduser": ""}

    return app


@pytest.fixture(scope="module")
def rasa():
    app = slow_rasa()
    with serve(app) as url:
        yield app, url


@pytest.fixture(scope="module")
def qyapi():
    app = fake_wecom_api()
    with serve(app) as url:
        yield app, url


@pytest.fixture
def settings():
    """Plaintext service account and a WeCom app, neither with a way to send later; short windows."""
    return WeChatSettings(
        token=TOKEN,
        wecom_token=TOKEN,
        wecom_aes_key=AES_KEY,
        wecom_corp_id=APP_ID,
        reply_deadline=WINDOW,
        unanswered_hold=HOLD,
    )


def attempts(rasa, settings: WeChatSettings, kind: str, xml: str, delay: float, count: int) -> list[tuple]:
    """Post ``xml`` ``count`` times, ``RETRY_GAP`` apart and each while the earlier ones are still open, to an app
    on ``settings`` whose Rasa answers after ``delay`` s; each attempt's (response, seconds it was open)."""
    rasa[0].state.received.clear()
    rasa[0].state.delay = delay

    def post(client: httpx.Client) -> tuple:
        started = time.monotonic()
        response = Channel(kind, client).post(xml)
        return response, time.monotonic() - started

    with serve(wechat_app(rasa[1], settings)) as url, ThreadPoolExecutor(count) as pool:
        clients = [httpx.Client(base_url=url, timeout=30) for _ in range(count)]
        futures = []
        for client in clients:
            futures.append(pool.submit(post, client))
            time.sleep(RETRY_GAP)
        results = [future.result() for future in futures]
        for client in clients:
            client.close()
    return results


def passive_content(kind: str, response: httpx.Response) -> str:
    return Channel(kind, client=None).reply(response)["Content"]  # decrypting needs no client


@pytest.mark.parametrize("kind", ["wechat", "wecom"])
def test_the_attempt_open_when_the_answer_is_ready_returns_it(rasa, settings, kind):
    """The answer (1.5 s) comes after the first attempt's window and inside the second's."""
    source = WECOM_USER if kind == "wecom" else OPENID
    (first, first_open), (second, _) = attempts(
        rasa, settings, kind, text_xml("拖欠工资怎么办", 5001, source), delay=1.5, count=2
    )
    assert (first.status_code, first.text) == (200, "")  # no claim, and not `success`, which would stop retries
    assert first_open >= HOLD  # held past the window (WeChat's wait) before the empty answer
    assert passive_content(kind, second) == "答复：拖欠工资怎么办"
    assert rasa[0].state.received == ["拖欠工资怎么办"]


def test_the_last_attempt_says_the_system_is_busy_when_the_answer_comes_later(rasa, settings):
    results = attempts(rasa, settings, "wechat", text_xml("工伤怎么认定", 5002), delay=4.0, count=3)
    assert [response.text for response, _ in results[:2]] == ["", ""]
    assert passive_content("wechat", results[2][0]) == BUSY_REPLY
    assert rasa[0].state.received == ["工伤怎么认定"]


def test_with_an_app_secret_the_late_answer_goes_out_through_the_customer_service_api(rasa, settings, weixin):
    weixin[0].state.sent.clear()
    with_secret = replace(settings, app_id=APP_ID, secret=APP_SECRET, api_base=weixin[1])
    results = attempts(rasa, with_secret, "wechat", text_xml("加班费怎么算", 5003), delay=1.5, count=2)
    assert [response.text for response, _ in results] == ["success", "success"]
    assert wait_for(lambda: weixin[0].state.sent)
    time.sleep(WINDOW)  # a second delivery would come by now
    assert weixin[0].state.sent == [{"touser": OPENID, "msgtype": "text", "text": {"content": "答复：加班费怎么算"}}]
    assert rasa[0].state.received == ["加班费怎么算"]


def test_with_an_agent_secret_a_late_wecom_answer_goes_out_through_the_message_api(rasa, settings, qyapi):
    qyapi[0].state.sent.clear()
    with_agent = replace(
        settings, wecom_agent_id=AGENT_ID, wecom_secret=WECOM_SECRET, wecom_api_base=f"{qyapi[1]}/cgi-bin/"
    )
    results = attempts(rasa, with_agent, "wecom", text_xml("社保断缴怎么办", 5004, WECOM_USER), delay=1.5, count=2)
    assert [response.text for response, _ in results] == ["success", "success"]
    assert wait_for(lambda: qyapi[0].state.sent)
    time.sleep(WINDOW)
    [sent] = qyapi[0].state.sent
    assert (sent["touser"], sent["agentid"], sent["msgtype"]) == (WECOM_USER, int(AGENT_ID), "text")
    assert sent["text"]["content"] == "答复：社保断缴怎么办"


def test_an_answer_within_the_first_window_is_the_first_attempts_reply(rasa, settings):
    [(response, opened)] = attempts(rasa, settings, "wechat", text_xml("你好", 5005), delay=0.0, count=1)
    assert passive_content("wechat", response) == "答复：你好"
    assert opened < WINDOW
