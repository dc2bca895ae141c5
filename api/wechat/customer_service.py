"""The customer-service message API (客服消息): late answers go out through it, behind a one-method interface.

wechatpy's client is synchronous and hard-codes the token URL, so this small async
client talks to ``{api_base}/cgi-bin/...`` itself: it caches the access token until
shortly before it expires and fetches a new one when WeChat says it is invalid.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Protocol

import httpx

from api.wechat.config import WeChatSettings
from api.wechat.security import user_hash

log = logging.getLogger(__name__)
TOKEN_ERRORS = {40001, 40014, 42001}  # invalid, malformed or expired access token
EXPIRY_MARGIN = 300


class MessageSender(Protocol):
    async def send_text(self, openid: str, text: str) -> None: ...


class WeChatApiError(RuntimeError):
    def __init__(self, errcode: int, errmsg: str):
        super().__init__(f"WeChat API error {errcode}: {errmsg}")
        self.errcode = errcode


class CustomerServiceClient:
    def __init__(self, settings: WeChatSettings, client: httpx.AsyncClient):
        self.settings = settings
        self.client = client
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()

    @staticmethod
    def _checked(response: httpx.Response) -> dict:
        response.raise_for_status()
        body = response.json()
        if body.get("errcode", 0) != 0:
            raise WeChatApiError(body["errcode"], body.get("errmsg", ""))
        return body

    async def access_token(self, refresh: bool = False) -> str:
        async with self._lock:
            if refresh or self._token is None or time.monotonic() >= self._expires_at:
                body = self._checked(
                    await self.client.get(
                        f"{self.settings.api_base}/cgi-bin/token",
                        timeout=10,
                        params={
                            "grant_type": "client_credential",
                            "appid": self.settings.app_id,
                            "secret": self.settings.secret,
                        },
                    )
                )
                self._token = body["access_token"]
                self._expires_at = time.monotonic() + int(body.get("expires_in", 7200)) - EXPIRY_MARGIN
            return self._token

    async def _post_text(self, token: str, openid: str, text: str) -> None:
        payload = {"touser": openid, "msgtype": "text", "text": {"content": text}}
        self._checked(
            await self.client.post(
                f"{self.settings.api_base}/cgi-bin/message/custom/send",
                params={"access_token": token},
                content=json.dumps(payload, ensure_ascii=False).encode(),
                timeout=10,
                headers={"Content-Type": "application/json; charset=utf-8"},
            )
        )

    async def send_text(self, openid: str, text: str) -> None:
        try:
            await self._post_text(await self.access_token(), openid, text)
        except WeChatApiError as exc:
            if exc.errcode not in TOKEN_ERRORS:
                raise
            log.info("access token rejected (%s); fetching a new one for user %s", exc.errcode, user_hash(openid))
            await self._post_text(await self.access_token(refresh=True), openid, text)
