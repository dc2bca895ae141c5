"""WeChat and WeCom settings from the environment (FARUN_WECHAT_* and FARUN_WECOM_*)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


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
    reply_deadline: float = field(default_factory=lambda: float(_env("FARUN_WECHAT_REPLY_DEADLINE", "4.5")))
    max_timestamp_skew: int = 300
    max_body_bytes: int = 64 * 1024

    @property
    def customer_service_enabled(self) -> bool:
        return bool(self.app_id and self.secret)


def get_wechat_settings() -> WeChatSettings:
    return WeChatSettings()
