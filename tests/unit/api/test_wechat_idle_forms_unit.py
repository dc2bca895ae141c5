"""The idle-form note and the WeChat settings it reads (``api.wechat.idle_forms``, ``api.wechat.config``)."""

from __future__ import annotations

from datetime import datetime

import pytest

from api.wechat.config import WeChatSettings
from api.wechat.idle_forms import IdleCheck

NOW = datetime(2026, 12, 7, 22, 0)


@pytest.mark.parametrize(("minutes", "said"), [(30, "30"), (45.0, "45"), (7.5, "7.5")])
def test_the_note_names_the_configured_idle_time(minutes, said):
    assert IdleCheck(minutes=minutes, now=NOW).note == f"您上次的问答已超过{said}分钟未继续，已为您结束。"


def test_the_retry_and_idle_settings_come_from_the_environment(monkeypatch):
    for name in ("REPLY_DEADLINE", "UNANSWERED_HOLD", "CALLBACK_ATTEMPTS", "FORM_IDLE_MINUTES"):
        monkeypatch.delenv(f"FARUN_WECHAT_{name}", raising=False)
    for name in ("CORP_ID", "SECRET", "AGENT_ID"):
        monkeypatch.delenv(f"FARUN_WECOM_{name}", raising=False)
    defaults = WeChatSettings()
    assert (defaults.reply_deadline, defaults.unanswered_hold, defaults.callback_attempts) == (4.5, 5.5, 3)
    assert defaults.unanswered_hold > 5  # past WeChat's wait, or an empty answer would stop its retries
    assert defaults.form_idle_minutes == 30 and not defaults.wecom_messages_enabled
    monkeypatch.setenv("FARUN_WECHAT_FORM_IDLE_MINUTES", "45")
    monkeypatch.setenv("FARUN_WECHAT_UNANSWERED_HOLD", "6")
    monkeypatch.setenv("FARUN_WECOM_CORP_ID", "ww1")
    monkeypatch.setenv("FARUN_WECOM_SECRET", "agent-secret")
    assert not WeChatSettings().wecom_messages_enabled  # an agent id is needed too
    monkeypatch.setenv("FARUN_WECOM_AGENT_ID", "1000002")
    configured = WeChatSettings()
    assert (configured.form_idle_minutes, configured.unanswered_hold) == (45, 6)
    assert configured.wecom_messages_enabled
