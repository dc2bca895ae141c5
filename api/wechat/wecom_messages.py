"""WeCom's application-message API (应用消息): late WeCom answers go out through it, as a ``MessageSender``.

wechatpy's WeCom client sends the message and keeps the access token (it
fetches a new one when WeCom says the old one is invalid), but it is synchronous
and fetches the token from a fixed URL; ``WeComClient`` fetches it from
``wecom_api_base`` like every other call, and each send runs in a worker thread.
"""

from __future__ import annotations

import asyncio

from wechatpy.enterprise import WeChatClient

from api.wechat.config import WeChatSettings

TIMEOUT = 10


class WeComClient(WeChatClient):
    """wechatpy's WeCom client with every URL, the token's included, under ``api_base``."""

    def __init__(self, corp_id: str, secret: str, api_base: str):
        super().__init__(corp_id, secret, timeout=TIMEOUT)
        self.API_BASE_URL = api_base if api_base.endswith("/") else f"{api_base}/"

    def fetch_access_token(self) -> dict:
        return self._fetch_access_token(
            url=f"{self.API_BASE_URL}gettoken", params={"corpid": self.corp_id, "corpsecret": self.secret}
        )


class WeComMessageClient:
    """Sends text to one WeCom member (the callback's ``FromUserName``) as the configured agent."""

    def __init__(self, settings: WeChatSettings):
        self.agent_id = int(settings.wecom_agent_id)
        self.client = WeComClient(settings.wecom_corp_id, settings.wecom_secret, settings.wecom_api_base)

    async def send_text(self, openid: str, text: str) -> None:
        await asyncio.to_thread(self.client.message.send_text, self.agent_id, [openid], text)
