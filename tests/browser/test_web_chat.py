"""The web chat page in a real browser: Debian's chromium driven by Playwright against the real stack.

A question gets an answer, a citation expands to the article's text, a
``<script>`` message is shown as text, and a screenshot is saved to
``test-artifacts/web-chat.png``. 有用/没用 is one verdict per answer, which the
user can change (the stack's database keeps the latest only); a did-you-mean
shows its choices before any statute text.
"""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from api.verdicts import ANSWER_KEY
from knowledge_base.store.models import Turn
from knowledge_base.store.seed import open_seeded_database
from tests.browser.chat_page import click


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


def test_phone_numbers_in_an_answer_are_tap_to_call_links(page):
    answer = ask(page, "老板拖欠工资三个月了怎么办")
    links = answer.locator(".bubble a.tel")
    expect(links.first).to_be_visible()
    numbers = links.all_inner_texts()
    assert numbers and all(re.fullmatch(r"123\d\d|0\d{2,3}-?\d{7,8}|1[3-9]\d{9}", n) for n in numbers)
    assert all(link.get_attribute("href") == "tel:" + n.replace("-", "") for link, n in zip(links.all(), numbers))
    ask(page, "我的电话是13812345678")  # the user's own text is never turned into links
    assert page.locator(".msg.user .bubble a").count() == 0


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


def last_answer_id(page) -> str:
    """The page's id of its latest answer, from the history it keeps in the browser."""
    return page.evaluate(
        """() => JSON.parse(localStorage.getItem("farun-history"))
            .filter(item => item.who === "bot" && item.reply.kind === "answer").pop().id"""
    )


def stored_verdicts(answer_id: str) -> list[str]:
    """The feedback turns the stack's database holds for one answer of the page."""
    database = open_seeded_database()
    try:
        with database.session() as session:
            turns = session.scalars(select(Turn).where(Turn.kind == "feedback").order_by(Turn.id))
            return [turn.feedback for turn in turns if (turn.detail or {}).get(ANSWER_KEY) == answer_id]
    finally:
        database.close()


def test_feedback_is_one_verdict_per_answer_that_can_be_changed(page):
    ask(page, "老板拖欠工资三个月了怎么办")
    answer = page.locator('.msg.bot[data-kind="answer"]').last
    expect(answer.locator(".choices button", has_text="有用")).to_have_count(0)  # the page's own buttons instead
    feedback = answer.locator(".feedback")
    useful, useless = feedback.get_by_role("button", name="有用"), feedback.get_by_role("button", name="没用")
    useful.click()
    expect(feedback.locator(".thanks")).to_have_text("感谢您的反馈！")
    expect(useful).to_have_attribute("aria-pressed", "true")
    expect(useful).to_contain_text("✓")  # chosen is shown in shape too, not by colour alone
    answer_id = last_answer_id(page)
    assert stored_verdicts(answer_id) == ["useful"]
    useless.click()
    expect(feedback.locator(".thanks")).to_have_text("已改为“没用”，感谢您的反馈！")
    expect(useless).to_have_attribute("aria-pressed", "true")
    expect(useful).to_have_attribute("aria-pressed", "false")
    assert stored_verdicts(answer_id) == ["not_useful"]
    useless.click()  # the same verdict again: nothing sent, nothing counted
    assert stored_verdicts(answer_id) == ["not_useful"]
    page.reload()
    restored = page.locator('.msg.bot[data-kind="answer"]').last.locator(".feedback")
    expect(restored.get_by_role("button", name="没用")).to_have_attribute("aria-pressed", "true")


def test_a_did_you_mean_shows_its_choices_before_any_statute_text(new_page, stack, kb):
    """The bot rarely needs to ask, so its did-you-mean is served to the page once, built from a real answer and an
    entry the bot has just listed: a ``/…`` payload is accepted only when the bot offered it (api.offered_buttons)."""
    real = httpx.post(
        f"{stack.api_url}/api/chat",
        json={"sender": "web-dym-source", "message": "老板拖欠工资三个月了怎么办"},
        timeout=60,
    ).json()
    answer = next(reply for reply in real["replies"] if reply["kind"] == "answer")
    entry = kb.by_id()["elderly-support-refuse"]
    page = new_page()
    page.goto(stack.api_url + "/")
    menu = click(page, page.locator(".chip", has_text="银龄港湾"))
    listed = click(page, menu.locator(".choices button", has_text="子女赡养"))
    expect(listed.locator(".choices button", has_text=entry.title)).to_have_count(1)  # offered by the real bot
    offer = {
        "text": "您想问的是哪一个？请点选：",
        "buttons": [
            {"title": entry.title, "payload": '/choose_entry{"entry_id": "%s"}' % entry.id},
            {"title": "都不是", "payload": "/none_of_these"},
        ],
        "kind": "did_you_mean",
        "entry_ids": [entry.id],
        "citations": answer["citations"],
    }
    body = {"sender": real["sender"], "intent": "wage_arrears", "confidence": 0.5, "replies": [offer]}
    page.route("**/api/chat", lambda route: route.fulfill(json=body), times=1)
    reply = ask(page, "工资的事")
    expect(reply).to_have_attribute("data-kind", "did_you_mean")
    parts = reply.locator(".bubble > div").evaluate_all("nodes => nodes.map(node => node.className)")
    assert parts[0] == "choices" and "citations" in parts and parts.index("choices") < parts.index("citations")
    assert reply.locator(".feedback").count() == 0
    chosen = reply.locator(".choices button").first
    chosen.click()  # the choice goes to the real bot, which answers the chosen entry
    expect(page.locator('.msg.bot[data-kind="answer"]').last).to_contain_text(
        offer["buttons"][0]["title"], timeout=60_000
    )
