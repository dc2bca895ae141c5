"""WeChat and WeCom callbacks over real HTTP: the API's WeChat router, a fake Rasa and a fake WeChat API on loopback.

The fakes are real HTTP servers (uvicorn in a thread). The signature and
ciphertext samples come from WeChat's documentation and wechatpy's test suite;
other requests are signed and encrypted with wechatpy's crypto, as WeChat does.
The end-to-end test (marked e2e) posts encrypted XML through the real Rasa stack.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
from contextlib import contextmanager
from dataclasses import replace
from xml.sax.saxutils import escape

import httpx
import pytest
import xmltodict
from fastapi import FastAPI, Request
from wechatpy.crypto import WeChatCrypto
from wechatpy.enterprise.crypto import WeChatCrypto as WeComCrypto

from actions.render import DISCLAIMER
from api.wechat.config import WeChatSettings
from api.wechat.customer_service import CustomerServiceClient, WeChatApiError
from api.wechat.render import MAX_BYTES
from tests.integration.wechat_callbacks import (
    AES_KEY,
    APP_ID,
    APP_SECRET,
    OPENID,
    TOKEN,
    Channel,
    query,
    serve,
    sign,
    text_xml,
    wait_for,
    wechat_app,
)


def fake_rasa() -> FastAPI:
    """Answers like Rasa's REST channel; "慢" makes it slow, "长" long, "选项" offers two buttons."""
    app = FastAPI()
    app.state.received = []

    @app.post("/webhooks/farun/webhook")
    async def webhook(request: Request):
        body = await request.json()
        app.state.received.append(body)
        message = body["message"]
        if "慢" in message:
            await asyncio.sleep(4)
        text = ("很长的解答。" * 600) if "长" in message else f"答复：{message}"
        buttons = [{"title": "拖欠工资", "payload": "/choose_a"}, {"title": "工伤认定", "payload": "/choose_b"}]
        return [
            {"recipient_id": body["sender"], "text": text, **({"buttons": buttons} if "选项" in message else {})},
            {
                "recipient_id": body["sender"],
                "custom": {
                    "farun": {
                        "kind": "answer",
                        "citations": [
                            {
                                "law": "中华人民共和国劳动合同法",
                                "short_name": "劳动合同法",
                                "article": "第三十条",
                                "quote": "……",
                                "url": "",
                            }
                        ],
                    }
                },
            },
        ]

    return app


def message_xml(**elements: str) -> str:
    """A text message with ``elements`` replacing (or, set to None, leaving out) the usual ones."""
    fields = {
        "ToUserName": "gh_farun",
        "FromUserName": OPENID,
        "CreateTime": str(int(time.time())),
        "MsgType": "text",
        "Content": "你好",
        "MsgId": "1050",
        **elements,
    }
    return (
        "<xml>" + "".join(f"<{name}>{value}</{name}>" for name, value in fields.items() if value is not None) + "</xml>"
    )


def event_xml(event: str, key: str = "") -> str:
    return (
        f"<xml><ToUserName><![CDATA[gh_farun]]></ToUserName><FromUserName><![CDATA[{OPENID}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[event]]></MsgType>"
        f"<Event><![CDATA[{event}]]></Event><EventKey><![CDATA[{key}]]></EventKey></xml>"
    )


def content(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return xmltodict.parse(response.text)["xml"]["Content"]


@pytest.fixture(scope="module")
def rasa():
    app = fake_rasa()
    with serve(app) as url:
        yield app, url


@pytest.fixture
def settings(weixin):
    """The service account in plaintext mode (no EncodingAESKey) and a WeCom app."""
    return WeChatSettings(
        token=TOKEN,
        aes_key="",
        app_id=APP_ID,
        secret=APP_SECRET,
        api_base=weixin[1],
        reply_deadline=2,
        wecom_token=TOKEN,
        wecom_aes_key=AES_KEY,
        wecom_corp_id=APP_ID,
    )


@contextmanager
def running(rasa, settings: WeChatSettings):
    rasa[0].state.received.clear()
    with serve(wechat_app(rasa[1], settings)) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


@pytest.fixture
def api(rasa, settings):
    with running(rasa, settings) as client:
        yield client


@pytest.fixture
def safe_api(rasa, settings):
    """The service account in safe mode: its EncodingAESKey is configured."""
    with running(rasa, replace(settings, aes_key=AES_KEY)) as client:
        yield client


@pytest.fixture(params=["wechat", "wechat-aes", "wecom"])
def channel(request, rasa, settings):
    aes_key = "" if request.param == "wechat" else AES_KEY
    with running(rasa, replace(settings, aes_key=aes_key)) as client:
        yield Channel(request.param, client)


@pytest.fixture
def server_warnings(caplog):
    """Function returning the warnings and errors the server's threads logged (uvicorn's own included)."""
    uvicorn_log = logging.getLogger("uvicorn")  # does not propagate to the root logger caplog listens on
    uvicorn_log.addHandler(caplog.handler)
    yield lambda: [
        record
        for record in caplog.records
        if record.levelno >= logging.WARNING and record.thread != threading.main_thread().ident
    ]
    uvicorn_log.removeHandler(caplog.handler)


# --- URL verification -------------------------------------------------------------------------------------------


def test_url_verification_with_the_documented_sample(rasa):
    """The sample of WeChat's access guide (token "test"); its 2014 timestamp needs a wide skew."""
    settings = WeChatSettings(token="test", max_timestamp_skew=10**10)
    with serve(wechat_app(rasa[1], settings)) as url:
        params = {
            "signature": "f21891de399b4e33a1a93c9a7b8a8fffb5a443ff",
            "timestamp": "1410685589",
            "nonce": "test",
            "echostr": "5837397520665436492",
        }
        response = httpx.get(f"{url}/wechat/callback", params=params)
        assert (response.status_code, response.text) == (200, "5837397520665436492")
        response = httpx.get(f"{url}/wechat/callback", params={**params, "nonce": "other"})
        assert response.status_code == 403


def test_url_verification_rejects_stale_timestamps(api):
    params = {**query(timestamp=str(int(time.time()) - 3600)), "echostr": "42"}
    assert api.get("/wechat/callback", params=params).status_code == 403
    assert api.get("/wechat/callback", params={**query(), "echostr": "42"}).text == "42"


# --- messages ---------------------------------------------------------------------------------------------------


def test_plaintext_message_gets_the_bots_answer(api, rasa):
    response = api.post("/wechat/callback", params=query(), content=text_xml("拖欠工资怎么办", 1001).encode())
    reply = xmltodict.parse(response.text)["xml"]
    assert reply["ToUserName"] == OPENID and reply["MsgType"] == "text"
    assert reply["Content"] == "答复：拖欠工资怎么办\n依据：《劳动合同法》第三十条"
    sender = rasa[0].state.received[-1]["sender"]
    assert sender.startswith("wechat-") and OPENID not in sender


def test_safe_mode_message_is_decrypted_and_the_reply_encrypted(safe_api):
    safe = Channel("wechat-aes", safe_api)
    response = safe.post(text_xml("工伤怎么认定", 1002))
    assert response.status_code == 200, response.text
    assert "<Encrypt>" in response.text and "工伤" not in response.text
    assert safe.reply(response)["Content"].startswith("答复：工伤怎么认定")


def test_bad_signatures_are_forbidden(api, safe_api, rasa):
    body = text_xml("你好", 1003).encode()
    assert api.post("/wechat/callback", params=query(token="wrong"), content=body).status_code == 403
    params = {**query(), "encrypt_type": "aes", "msg_signature": "0" * 40}
    crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
    encrypted = crypto.encrypt_message(body.decode(), params["nonce"], params["timestamp"])
    assert safe_api.post("/wechat/callback", params=params, content=encrypted.encode()).status_code == 403
    assert rasa[0].state.received == []


def test_a_reply_holding_the_cdata_end_marker_stays_one_well_formed_message(channel, rasa):
    """Staff can write ``]]>`` into an answer; the fake Rasa echoes the question, so the reply holds it twice."""
    question = "合同里写着]]><MsgType>news</MsgType>]]>怎么办"
    reply = channel.reply(channel.post(message_xml(Content=escape(question), MsgId="1040")))
    assert reply["MsgType"] == "text"
    assert reply["Content"] == f"答复：{question}\n依据：《劳动合同法》第三十条"
    assert rasa[0].state.received[-1]["message"] == question


MALFORMED_MESSAGES = {
    "empty body": "",
    "empty xml": "<xml></xml>",
    "text without Content": message_xml(Content=None),
    "non-numeric MsgId": message_xml(MsgId="12a"),
    "non-numeric CreateTime": message_xml(CreateTime="yesterday"),
    "Content twice": message_xml(Content="你好</Content><Content>再见"),
    "Content holding an element": message_xml(Content="你好<b>再见</b>"),
}


def assert_refused_once(response: httpx.Response, rasa, warnings: list[logging.LogRecord]) -> None:
    """400, nothing reached the bot, and the server logged exactly one line about it: no traceback."""
    assert response.status_code == 400, response.text
    assert rasa[0].state.received == []
    assert [(record.name, record.exc_info) for record in warnings] == [("api.routers.wechat", None)]
    assert "400" in warnings[0].getMessage() and OPENID not in warnings[0].getMessage()


@pytest.mark.parametrize("xml", MALFORMED_MESSAGES.values(), ids=MALFORMED_MESSAGES.keys())
def test_a_signed_but_malformed_message_is_a_400_with_one_log_line(channel, rasa, server_warnings, xml):
    assert_refused_once(channel.post(xml), rasa, server_warnings())


@pytest.mark.parametrize("kind", ["wechat-aes", "wecom"])
@pytest.mark.parametrize("body", ["", "<xml><Encrypt></Encrypt></xml>"], ids=["empty body", "empty Encrypt"])
def test_a_signed_but_empty_envelope_is_a_400_with_one_log_line(rasa, settings, server_warnings, kind, body):
    params = query()
    params["msg_signature"] = sign(TOKEN, params["timestamp"], params["nonce"], "")
    with running(rasa, replace(settings, aes_key=AES_KEY)) as client:
        url = "/wecom/callback" if kind == "wecom" else "/wechat/callback"
        response = client.post(url, params={**params, "encrypt_type": "aes"}, content=body.encode())
    assert_refused_once(response, rasa, server_warnings())


def test_a_used_timestamp_and_nonce_are_refused_for_another_body(channel, rasa):
    params = query()
    first = channel.post(text_xml("第一个问题", 1060), params["timestamp"], params["nonce"])
    assert channel.reply(first)["Content"].startswith("答复：第一个问题")
    replayed = channel.post(text_xml("冒充的问题", 1061), params["timestamp"], params["nonce"])
    assert replayed.status_code == 403
    assert channel.client.send(first.request).text == "success"  # the same request again: answered once
    assert [m["message"] for m in rasa[0].state.received] == ["第一个问题"]
    fresh = channel.post(text_xml("冒充的问题", 1061))  # a new pair passes
    assert channel.reply(fresh)["Content"].startswith("答复：冒充的问题")


def test_plaintext_is_refused_while_an_aes_key_is_configured(safe_api, rasa):
    """A downgrade: whoever can sign plaintext callbacks must not bypass the encryption WeChat was set up with."""
    response = safe_api.post("/wechat/callback", params=query(), content=text_xml("明文的问题", 1070).encode())
    assert response.status_code == 403
    assert rasa[0].state.received == []


def test_retries_get_one_answer(api, rasa):
    body = text_xml("重复的问题", 1004).encode()
    first = api.post("/wechat/callback", params=query(), content=body)
    retry = api.post("/wechat/callback", params=query(), content=body)
    assert content(first).startswith("答复：重复的问题")
    assert retry.text == "success"
    assert [m["message"] for m in rasa[0].state.received] == ["重复的问题"]


def test_subscribe_menu_click_and_media(api, rasa):
    welcome = content(api.post("/wechat/callback", params=query(), content=event_xml("subscribe")))
    for topic in (
        "讨薪",
        "劳动权益",
        "银龄港湾",
        "法律援助",
        "找调解",
        "企业法律风险",
        "查法条",
        "转人工",
        "隐私提示",
        "12348",
    ):
        assert topic in welcome
    assert content(api.post("/wechat/callback", params=query(), content=text_xml("菜单", 1030))) == welcome
    assert content(api.post("/wechat/callback", params=query(), content=text_xml(" 帮助 ", 1031))) == welcome
    click = api.post("/wechat/callback", params=query(nonce="2"), content=event_xml("CLICK", "TOPIC_LABOR"))
    assert content(click) == "答复：拖欠工资怎么办\n依据：《劳动合同法》第三十条"
    image = (
        f"<xml><ToUserName>gh</ToUserName><FromUserName>{OPENID}</FromUserName><CreateTime>1</CreateTime>"
        "<MsgType>image</MsgType><PicUrl>http://x/y.jpg</PicUrl><MediaId>m</MediaId><MsgId>1005</MsgId></xml>"
    )
    assert "请输入文字" in content(api.post("/wechat/callback", params=query(), content=image))
    assert api.post("/wechat/callback", params=query(), content=event_xml("unsubscribe")).text == "success"
    assert [m["message"] for m in rasa[0].state.received] == ["拖欠工资怎么办"]


def voice_xml(msg_id: int, recognition: str | None) -> bytes:
    recognised = f"<Recognition><![CDATA[{recognition}]]></Recognition>" if recognition is not None else ""
    return (
        f"<xml><ToUserName>gh</ToUserName><FromUserName>{OPENID}</FromUserName><CreateTime>1</CreateTime>"
        f"<MsgType>voice</MsgType><MediaId>m</MediaId><Format>amr</Format>{recognised}<MsgId>{msg_id}</MsgId></xml>"
    ).encode()


def test_a_recognised_voice_message_is_answered_as_its_text_and_an_unrecognised_one_asks_to_type(api, rasa):
    rasa[0].state.received.clear()
    answered = content(api.post("/wechat/callback", params=query(), content=voice_xml(1020, "包工头欠我工钱")))
    assert answered.startswith("答复：包工头欠我工钱")
    for msg_id, recognition in ((1021, None), (1022, "  ")):
        reply = content(api.post("/wechat/callback", params=query(), content=voice_xml(msg_id, recognition)))
        assert "没能听清" in reply and "12348" in reply
    assert [m["message"] for m in rasa[0].state.received] == ["包工头欠我工钱"]


def test_number_reply_sends_the_button_payload(api, rasa):
    offered = content(api.post("/wechat/callback", params=query(), content=text_xml("选项", 1006)))
    assert offered.endswith("请回复数字选择：\n1. 拖欠工资\n2. 工伤认定")
    api.post("/wechat/callback", params=query(), content=text_xml("2", 1007))
    assert rasa[0].state.received[-1]["message"] == "/choose_b"


@pytest.mark.parametrize(
    "body",
    [
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        "<xml><MsgType>text</MsgType><Content>&b;</Content></xml>",
        "<xml><MsgType>text</MsgType><Content>unclosed",
    ],
)
def test_unsafe_or_malformed_xml_is_refused(api, rasa, body):
    assert api.post("/wechat/callback", params=query(), content=body.encode()).status_code == 400
    assert rasa[0].state.received == []


def test_oversized_body_is_refused(api):
    body = text_xml("大" * 40000, 1008).encode()
    assert api.post("/wechat/callback", params=query(), content=body).status_code == 413


def test_openid_is_never_logged(api, caplog):
    """The server's records (its own thread; the test client's URL log is not the server's) hide the openid."""
    caplog.set_level("DEBUG")
    caplog.set_level("INFO", logger="uvicorn.access")
    api.post("/wechat/callback", params=query(), content=text_xml("日志", 1009).encode())

    def server_lines() -> list[str]:
        return [record.getMessage() for record in caplog.records if record.thread != threading.main_thread().ident]

    assert wait_for(lambda: any("/wechat/callback" in line for line in server_lines()))  # access log comes last
    assert any("text message from user" in line for line in server_lines())
    assert not [line for line in server_lines() if OPENID in line]


# --- the 5-second rule and the customer-service API ---------------------------------------------------------------


def test_slow_answer_goes_out_through_the_customer_service_api(api, weixin):
    weixin[0].state.sent.clear()
    response = api.post("/wechat/callback", params=query(), content=text_xml("慢慢说", 1010).encode())
    assert response.text == "success"  # answered before the bot was done, so not a passive reply
    assert weixin[0].state.sent == []
    assert wait_for(lambda: weixin[0].state.sent)
    assert weixin[0].state.sent == [
        {"touser": OPENID, "msgtype": "text", "text": {"content": "答复：慢慢说\n依据：《劳动合同法》第三十条"}}
    ]


def test_long_answer_is_split_under_the_limit(api, weixin):
    weixin[0].state.sent.clear()
    first = content(api.post("/wechat/callback", params=query(), content=text_xml("长问题", 1011).encode()))
    assert wait_for(lambda: weixin[0].state.sent and "依据" in weixin[0].state.sent[-1]["text"]["content"])  # all sent
    rest = [message["text"]["content"] for message in weixin[0].state.sent]
    assert all(len(chunk.encode()) <= MAX_BYTES for chunk in [first, *rest])
    assert "".join([first, *rest]).replace("\n", "") == ("很长的解答。" * 600) + "依据：《劳动合同法》第三十条"


def test_customer_service_client_caches_and_refreshes_the_token(weixin, settings):
    app = weixin[0]

    async def scenario():
        async with httpx.AsyncClient() as http:
            client = CustomerServiceClient(settings, http)
            issued = app.state.tokens_issued
            await client.send_text(OPENID, "一")
            await client.send_text(OPENID, "二")
            assert app.state.tokens_issued == issued + 1
            app.state.revoked.add(f"token-{app.state.tokens_issued}")
            await client.send_text(OPENID, "三")
            assert app.state.tokens_issued == issued + 2
            bad = CustomerServiceClient(WeChatSettings(app_id=APP_ID, secret="wrong", api_base=settings.api_base), http)
            with pytest.raises(WeChatApiError):
                await bad.send_text(OPENID, "四")

    app.state.sent.clear()
    asyncio.run(scenario())
    assert [m["text"]["content"] for m in app.state.sent] == ["一", "二", "三"]


# --- WeCom ----------------------------------------------------------------------------------------------------------

WECOM_DOC = {
    "token": "QDG6eK",
    "aes_key": "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
    "corp_id": "wx5823bf96d3bd56c7",
}
WECOM_SAMPLE_MESSAGE = """<xml><ToUserName><![CDATA[wx49f0ab532d5d035a]]></ToUserName>
<Encrypt><![CDATA[RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=]]></Encrypt>
<AgentID><![CDATA[1]]></AgentID>
</xml>"""


def test_wecom_url_verification_with_the_documented_sample(rasa):
    settings = WeChatSettings(
        wecom_token=WECOM_DOC["token"],
        wecom_aes_key=WECOM_DOC["aes_key"],
        wecom_corp_id=WECOM_DOC["corp_id"],
        max_timestamp_skew=10**10,
    )
    params = {
        "msg_signature": "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
        "timestamp": "1409659589",
        "nonce": "263014780",
        "echostr": "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==",
    }
    with serve(wechat_app(rasa[1], settings)) as url:
        response = httpx.get(f"{url}/wecom/callback", params=params)
        assert (response.status_code, response.text) == (200, "1616140317555161061")
        assert httpx.get(f"{url}/wecom/callback", params={**params, "nonce": "1"}).status_code == 403


def test_wecom_encrypted_text_message_with_wechatpys_sample(rasa):
    rasa[0].state.received.clear()
    settings = WeChatSettings(wecom_token=TOKEN, wecom_aes_key=AES_KEY, wecom_corp_id=APP_ID, max_timestamp_skew=10**10)
    params = {
        "msg_signature": "74d92dfeb87ba7c714f89d98870ae5eb62dff26d",
        "timestamp": "1411525903",
        "nonce": "461056294",
    }
    with serve(wechat_app(rasa[1], settings)) as url:
        response = httpx.post(f"{url}/wecom/callback", params=params, content=WECOM_SAMPLE_MESSAGE.encode())
        assert response.status_code == 200, response.text
        envelope = xmltodict.parse(response.text)["xml"]
        crypto = WeComCrypto(TOKEN, AES_KEY, APP_ID)
        reply = xmltodict.parse(
            crypto.decrypt_message(response.text, envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"])
        )["xml"]
        assert reply["ToUserName"] == "messense"
        assert reply["Content"] == "答复：test\n依据：《劳动合同法》第三十条"
        tampered = WECOM_SAMPLE_MESSAGE.replace("RgqE", "RgqF")
        assert httpx.post(f"{url}/wecom/callback", params=params, content=tampered.encode()).status_code == 403
    assert [m["message"] for m in rasa[0].state.received] == ["test"]


# --- end to end -----------------------------------------------------------------------------------------------------


@pytest.mark.e2e
def test_encrypted_message_through_the_real_stack(stack, weixin):
    """Safe-mode XML through the real Rasa and action servers; prints the encrypted round-trip time."""
    settings = WeChatSettings(
        token=TOKEN, aes_key=AES_KEY, app_id=APP_ID, secret=APP_SECRET, api_base=weixin[1], reply_deadline=30
    )
    weixin[0].state.sent.clear()
    with (
        serve(wechat_app(stack.rasa_url, settings, rasa_token=stack.token)) as url,
        httpx.Client(base_url=url, timeout=60) as client,
    ):
        safe = Channel("wechat-aes", client)
        started = time.perf_counter()
        response = safe.post(text_xml("老板拖欠工资三个月了怎么办", int(time.time() * 1000)))
        elapsed = time.perf_counter() - started
        answer = safe.reply(response)["Content"]
        print(f"\nencrypted WeChat round trip through the stack: {elapsed * 1000:.0f} ms")
        rest = (
            [message["text"]["content"] for message in weixin[0].state.sent]
            if wait_for(lambda: weixin[0].state.sent)
            else []
        )
    title, direct = answer.split("\n")[:2]
    assert "工资" in title and title.startswith("【"), answer
    assert direct.startswith("能要回"), answer  # the direct answer comes first, before the long explanation
    assert re.search(r"法律依据：\n·《[^》]+》第.+条：“", answer), answer  # verbatim statute quote
    assert all(len(chunk.encode()) <= MAX_BYTES for chunk in [answer, *rest])
    assert rest and DISCLAIMER in rest[-1]  # the part over WeChat's limit follows through the customer-service API
