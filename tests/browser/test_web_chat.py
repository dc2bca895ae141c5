"""The web chat page in a real browser: Debian's chromium driven by Playwright against the real stack.

A question gets an answer, a citation expands to the article's text, a
``<script>`` message is shown as text, and a screenshot is saved to
``test-artifacts/web-chat.png``.
"""

from __future__ import annotations

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
