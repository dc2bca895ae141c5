"""The web chat page's welcome: topic chips for every flow, example questions, the privacy notice and the hotlines.

In a real browser against the real stack. Each chip is clicked in a fresh
conversation and must get its flow's kind of reply (and the forms must really
be open on the server); an example question gets an answer. Screenshots:
``test-artifacts/welcome-<size>.png`` and ``chips-<size>.png``.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.chat_page import click, open_chat, server_state, viewport_params

# chip title -> (the reply's kind, the form it opens)
CHIPS = {
    "讨薪": ("question", "wage_triage_form"),
    "劳动权益": ("answer", None),
    "银龄港湾": ("menu", None),
    "法律援助": ("question", "legal_aid_form"),
    "找调解": ("question", "mediation_form"),
    "企业法律风险": ("menu", None),
    "查法条": ("article", None),
    "立法意见征集": ("legislation", None),  # the open consultations (or that there are none)
    "转人工": ("handoff", None),
}
HOTLINES = ["12348", "12333", "12345"]


@viewport_params()
def test_the_welcome_shows_topics_examples_privacy_and_hotlines(new_page, stack, viewport, screenshot):
    page = open_chat(new_page, stack, viewport)
    welcome = page.locator(".welcome")
    expect(welcome.locator(".chip")).to_have_text(list(CHIPS))
    expect(welcome.locator(".example")).to_have_count(3)
    privacy = welcome.locator(".privacy").inner_text()
    assert all(word in privacy for word in ("记录", "手机号", "身份证号", "银行卡号", "有限的时间", "新对话"))
    assert not re.search(r"\d+\s*天", privacy)  # the code sets no retention period, so the page states none
    for number in HOTLINES:
        link = welcome.get_by_role("link", name=number)
        expect(link).to_have_attribute("href", f"tel:{number}")
    html = page.content()
    assert "http://" not in html and "https://" not in html  # nothing loaded from outside
    screenshot(page, f"welcome-{viewport}.png")


@pytest.mark.parametrize("title", list(CHIPS))
def test_a_chip_gets_its_flows_kind_of_reply(new_page, stack, title):
    kind, form = CHIPS[title]
    page = open_chat(new_page, stack, "phone")
    reply = click(page, page.locator(".chip", has_text=title))
    expect(page.locator(".msg.user .bubble").last).not_to_be_empty()
    expect(reply).to_have_attribute("data-kind", kind)
    assert server_state(stack, page)["active_form"] == form


@viewport_params()
def test_a_chip_reply_shows_its_choices(new_page, stack, viewport, screenshot):
    page = open_chat(new_page, stack, viewport)
    menu = click(page, page.locator(".chip", has_text="银龄港湾"))
    expect(menu.locator(".choices button").first).to_be_visible()
    screenshot(page, f"chips-{viewport}.png")


def test_an_example_question_is_sent_as_typed_and_answered(new_page, stack):
    page = open_chat(new_page, stack, "laptop")
    example = page.locator(".example").first
    text = example.inner_text()
    reply = click(page, example)
    expect(page.locator(".msg.user .bubble").last).to_have_text(text)
    assert reply.get_attribute("data-kind") in ("answer", "did_you_mean")
