"""Plain helpers shared by the WeChat/WeCom callback test modules: a loopback server for an app, the app under
test, signed (and, where the mode says so, encrypted) callbacks as WeChat and WeCom send them, and the stand-in
for WeChat's token and customer-service API.

Functions and constants only (fixtures live in the test modules), so no test module imports another.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

import httpx
import uvicorn
import xmltodict
from fastapi import FastAPI, Request
from wechatpy.crypto import WeChatCrypto
from wechatpy.enterprise.crypto import WeChatCrypto as WeComCrypto

from api.routers import wechat
from api.settings import Settings, get_settings
from api.stack import free_port
from api.wechat.config import WeChatSettings, get_wechat_settings

TOKEN, AES_KEY, APP_ID = "123456", "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR", "wx49f0ab532d5d035a"
OPENID = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
APP_SECRET = "s3cret"


@contextmanager
def serve(app: FastAPI):
    """Run ``app`` with uvicorn on a free loopback port in a thread; yield its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def fake_wechat_api() -> FastAPI:
    """The token and customer-service endpoints of api.weixin.qq.com; tokens in ``revoked`` get errcode 40001."""
    app = FastAPI()
    app.state.tokens_issued, app.state.sent, app.state.revoked = 0, [], set()

    @app.get("/cgi-bin/token")
    def token(grant_type: str, appid: str, secret: str):
        if (appid, secret) != (APP_ID, APP_SECRET):
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        app.state.tokens_issued += 1
        return {"access_token": f"token-{app.state.tokens_issued}", "expires_in": 7200}

    @app.post("/cgi-bin/message/custom/send")
    async def send(access_token: str, request: Request):
        if access_token in app.state.revoked:
            return {"errcode": 40001, "errmsg": "invalid credential"}
        app.state.sent.append(await request.json())
        return {"errcode": 0, "errmsg": "ok"}

    return app


def wechat_app(rasa_url: str, settings: WeChatSettings, rasa_token: str = "") -> FastAPI:
    """The WeChat router alone, on ``settings``, talking to the Rasa at ``rasa_url``."""

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.http = httpx.AsyncClient()
        yield
        await app.state.http.aclose()

    app = FastAPI(lifespan=lifespan)
    app.include_router(wechat.router)
    app.dependency_overrides[get_settings] = lambda: Settings(rasa_url=rasa_url, rasa_token=rasa_token)
    app.dependency_overrides[get_wechat_settings] = lambda: settings
    return app


def sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def query(token: str = TOKEN, timestamp: str | None = None, nonce: str | None = None) -> dict:
    """A signed callback query; like WeChat's, each gets a fresh nonce unless one is given."""
    timestamp = timestamp or str(int(time.time()))
    nonce = nonce or str(secrets.randbelow(10**10))
    return {"signature": sign(token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce, "openid": OPENID}


def text_xml(content: str, msg_id: int, source: str = OPENID) -> str:
    return (
        f"<xml><ToUserName><![CDATA[gh_farun]]></ToUserName><FromUserName><![CDATA[{source}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    )


def wait_for(condition, timeout: float = 10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not condition():
        time.sleep(0.05)
    return condition()


@dataclass
class Channel:
    """Posts a message as WeChat does in plaintext (``wechat``) or safe mode (``wechat-aes``), or as WeCom does
    (``wecom``): validly signed, encrypted with wechatpy's crypto where the mode says so."""

    kind: str
    client: httpx.Client

    @property
    def crypto(self) -> WeChatCrypto | WeComCrypto:
        return (WeComCrypto if self.kind == "wecom" else WeChatCrypto)(TOKEN, AES_KEY, APP_ID)

    def post(self, xml: str, timestamp: str | None = None, nonce: str | None = None) -> httpx.Response:
        params = query(timestamp=timestamp, nonce=nonce)
        if self.kind == "wechat":
            return self.client.post("/wechat/callback", params=params, content=xml.encode())
        envelope = xmltodict.parse(self.crypto.encrypt_message(xml, params["nonce"], params["timestamp"]))["xml"]
        return self.post_envelope(envelope["Encrypt"], envelope["MsgSignature"], params)

    def post_envelope(self, encrypt: str, msg_signature: str, params: dict) -> httpx.Response:
        body = f"<xml><ToUserName><![CDATA[gh_farun]]></ToUserName><Encrypt><![CDATA[{encrypt}]]></Encrypt></xml>"
        if self.kind == "wecom":
            url, params = "/wecom/callback", {key: params[key] for key in ("timestamp", "nonce")}
        else:
            url, params = "/wechat/callback", {**params, "encrypt_type": "aes"}
        return self.client.post(url, params={**params, "msg_signature": msg_signature}, content=body.encode())

    def reply(self, response: httpx.Response) -> dict:
        """The reply's XML elements, decrypted first in the encrypted modes."""
        assert response.status_code == 200, response.text
        if self.kind == "wechat":
            return xmltodict.parse(response.text)["xml"]
        envelope = xmltodict.parse(response.text)["xml"]
        return xmltodict.parse(
            self.crypto.decrypt_message(
                response.text, envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"]
            )
        )["xml"]
