"""The web chat page in a real browser: Debian's chromium driven by Playwright against the real stack.

A question gets an answer, a citation expands to the article's text, a
``<script>`` message is shown as text, and a screenshot is saved to
``test-artifacts/web-chat.png``.
"""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect


@pytest.fixture(scope="module")
def page(stack, new_page):
    page = new_page()
    page.goto(stack.api_url + "/")
    return page


def ask(page, question: str):
    before = page.locator(".msg.bot").count()
    page.fill("#question", question)
    page.click("#send")
    expect(page.locator(".msg.user .bubble").last).to_have_text(question)
    expect(page.locator(".msg.bot")).to_have_count(before + 1, timeout=60_000)
    expect(page.locator("#send")).to_be_enabled(timeout=60_000)
    return page.locator(".msg.bot").last


def test_page_is_chinese_mobile_and_local(page, stack):
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    expect(page.locator(".disclaimer")).to_contain_text("仅供参考")
    html = httpx.get(stack.api_url + "/").text
    assert "http://" not in html and "https://" not in html


def test_question_answer_and_citation_expands_to_the_article(page, stack, screenshot):
    answer = ask(page, "老板拖欠工资三个月了怎么办")
    expect(answer.locator(".bubble")).to_contain_text("工资")
    citation = answer.locator(".citation").first
    expect(citation).to_be_visible()
    label = citation.inner_text()
    citation.click()
    article = answer.locator(".article").first
    expect(article).not_to_contain_text("正在加载", timeout=10_000)
    law, number = label.strip("《").split("》")
    expected = httpx.get(f"{stack.api_url}/api/statutes/{law}/{number}").json()["text"]
    expect(article).to_contain_text(expected[:20])
    expect(answer.locator(".feedback button, .choices button").first).to_be_visible()
    assert screenshot(page, "web-chat.png").stat().st_size > 10_000


def test_user_text_is_escaped(page):
    message = "<script>window.pwned = 1</script><b>粗体</b>"
    ask(page, message)
    expect(page.locator(".msg.user .bubble").last).to_have_text(message)
    assert page.evaluate("window.pwned") is None
    assert page.locator(".msg.user b").count() == 0


def test_a_failed_send_shows_a_chinese_note_and_retry_sends_the_same_message(page):
    failed = []

    def fail_once(route):
        if failed:
            route.continue_()
        else:
            failed.append(route.request.post_data)
            route.abort()

    page.route("**/api/chat", fail_once)
    try:
        question = "公司三个月没发工资了怎么办"
        page.fill("#question", question)
        page.click("#send")
        note = page.locator(".msg.error .bubble").last
        expect(note).to_contain_text("暂时连不上服务", timeout=20_000)
        expect(note).to_contain_text("12348")
        assert not re.search(r"[A-Za-z]{3,}", note.inner_text())  # no English or technical text
        expect(page.locator("#send")).to_be_enabled()
        note.locator("button.retry").click()
        expect(page.locator(".msg.error")).to_have_count(0)
        expect(page.locator(".msg.bot .bubble").last).to_contain_text("工资", timeout=60_000)
        assert page.locator(".msg.user .bubble", has_text=question).count() == 1
        assert question in failed[0]
    finally:
        page.unroute("**/api/chat")


def test_a_long_answer_opens_at_its_start_and_a_chosen_button_locks_its_row(page):
    answer = ask(page, "老板拖欠工资三个月了怎么办")
    log_box, answer_box = page.locator("#log").bounding_box(), answer.bounding_box()
    assert answer_box["height"] > log_box["height"]  # longer than the view: it could have landed at its end
    assert log_box["y"] - 1 <= answer_box["y"] <= log_box["y"] + 40  # the view opens at the answer's first line
    shown = page.locator(".msg.bot").nth(page.locator(".msg.bot").count() - 1)  # pinned: the next reply is new
    choices = shown.locator(".choices button")
    count = choices.count()
    assert count >= 1
    choices.first.click()
    for number in range(count):
        expect(choices.nth(number)).to_be_disabled()
    expect(choices.first).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#send")).to_be_enabled(timeout=60_000)
