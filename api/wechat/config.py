"""WeChat and WeCom settings from the environment (FARUN_WECHAT_* and FARUN_WECOM_*).

``reply_deadline`` is each callback's own window for a passive reply, counted
from its arrival and kept under the 5 s WeChat and WeCom wait; ``unanswered_hold``
is how long (also from arrival) a callback that missed its window stays open,
past the platform's 5 s (see ``api.wechat.dispatch``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

WECOM_API_BASE = "https://qyapi.weixin.qq.com/cgi-bin/"


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class WeChatSettings:
    token: str = field(default_factory=lambda: _env("FARUN_WECHAT_TOKEN"))
    aes_key: str = field(default_factory=lambda: _env("FARUN_WECHAT_AES_KEY"))
    app_id: str = field(default_factory=lambda: _env("FARUN_WECHAT_APPID"))
    secret: str = field(default_factory=lambda: _env("FARUN_WECHAT_SECRET"))
    api_base: str = field(default_factory=lambda: _env("FARUN_WECHAT_API_BASE", "https://api.weixin.qq.com"))
    wecom_corp_id: str = field(default_factory=lambda: _env("FARUN_WECOM_CORP_ID"))
    wecom_token: str = field(default_factory=lambda: _env("FARUN_WECOM_TOKEN"))
    wecom_aes_key: str = field(default_factory=lambda: _env("FARUN_WECOM_AES_KEY"))
    wecom_agent_id: str = field(default_factory=lambda: _env("FARUN_WECOM_AGENT_ID"))
    wecom_secret: str = field(default_factory=lambda: _env("FARUN_WECOM_SECRET"))  # the agent's (application's)
    wecom_api_base: str = field(default_factory=lambda: _env("FARUN_WECOM_API_BASE", WECOM_API_BASE))
    reply_deadline: float = field(default_factory=lambda: float(_env("FARUN_WECHAT_REPLY_DEADLINE", "4.5")))
    unanswered_hold: float = field(default_factory=lambda: float(_env("FARUN_WECHAT_UNANSWERED_HOLD", "5.5")))
    # WeChat and WeCom document three attempts per message in all (the last one gets the busy reply)
    callback_attempts: int = field(default_factory=lambda: int(_env("FARUN_WECHAT_CALLBACK_ATTEMPTS", "3")))
    form_idle_minutes: float = field(default_factory=lambda: float(_env("FARUN_WECHAT_FORM_IDLE_MINUTES", "30")))
    max_timestamp_skew: int = 300
    max_body_bytes: int = 64 * 1024

    @property
    def customer_service_enabled(self) -> bool:
        return bool(self.app_id and self.secret)

    @property
    def wecom_messages_enabled(self) -> bool:
        return bool(self.wecom_corp_id and self.wecom_secret and self.wecom_agent_id)


def get_wechat_settings() -> WeChatSettings:
    return WeChatSettings()
