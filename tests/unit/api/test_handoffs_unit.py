"""Handoff requests, the pure parts: which messages leave a call-back number, the numbers the web form takes, and
what the handoff reply tells the resident."""

from __future__ import annotations

import re

import pytest

from api.curation import handoffs
from api.settings import Settings


@pytest.mark.parametrize(
    "text, phone, note",
    [
        ("13812345678", "13812345678", ""),
        ("我的电话是138 1234 5678，明天下午", "13812345678", "明天下午"),
        ("+86 138-1234-5678 工作日都行", "13812345678", "工作日都行"),
        ("手机：１３８１２３４５６７８", "13812345678", ""),
        ("0519-86001234 上午", "0519-86001234", "上午"),
        ("（0519）86001234", "0519-86001234", ""),
    ],
)
def test_a_short_message_with_a_number_leaves_it(text, phone, note):
    assert handoffs.phone_message(text) == handoffs.PhoneMessage(phone, note)


@pytest.mark.parametrize(
    "text",
    [
        "转人工",
        "12348",
        "010-12345678",  # only Changzhou's landlines: staff call locally
        "12345678901",
        "老板的电话是13812345678，一直不接，拖欠我三个月工资，还把我拉黑了，能不能去申请劳动仲裁？",
    ],
)
def test_other_messages_are_not_a_callback(text):
    assert handoffs.phone_message(text) is None


def test_a_time_note_is_masked():
    found = handoffs.phone_message("13812345678 或者打13900001111")
    assert found is not None and found.phone == "13812345678" and "13900001111" not in found.time_note


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("13812345678", "13812345678"),
        (" 138-1234-5678 ", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("0519-86001234", "0519-86001234"),
        ("0519 8600 1234", "0519-86001234"),
        ("12345678901", None),
        ("1381234567", None),
        ("021-12345678", None),
        ("13812345678 转 1", None),
        ("", None),
    ],
)
def test_the_web_form_takes_a_mobile_or_a_0519_landline(typed, stored):
    assert handoffs.normal_phone(typed) == stored


def test_the_note_says_what_happens_next_without_inventing_numbers():
    hours = Settings().handoff_hours
    assert "工作日" in hours and not re.search(r"\d", hours)
    web = handoffs.recorded_note(42, hours, "web")
    chat = handoffs.recorded_note(42, hours, "wechat")
    assert "编号 42" in web and hours in web and "在下方留下电话号码" in web and "不留也可以" in web
    assert "直接回复" in chat and "下方" not in chat and "同意" in chat and "30天" in chat
    for text in (web, chat):
        assert set(re.findall(r"\d+", text)) <= {"42", "0519", "30"}


def test_the_hours_are_configurable(monkeypatch):
    monkeypatch.setenv("FARUN_HANDOFF_HOURS", "工作日上午受理")
    assert Settings().handoff_hours == "工作日上午受理"


def test_the_confirmation_shows_only_the_last_four_digits():
    text = handoffs.callback_confirmation("13812345678", "下午", "工作日处理。")
    assert "尾号5678" in text and "13812345678" not in text and "下午" in text


def test_every_handoff_reason_of_the_bot_is_known():
    assert handoffs.REASONS["requested"].value == "requested"
    assert handoffs.REASONS["repeated_fallback"].value == "fallback"
