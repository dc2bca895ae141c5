"""The entry editor's statute picker in Debian's chromium, at laptop and phone sizes.

An editor types a quote that is not in the article and is refused with the article text; then adds the citation only
through the picker (law by name, article by Chinese numerals, words selected in the shown article) and the draft is
saved. Runs the admin pages alone (uvicorn in a thread on this test's database, the app's security headers, no Rasa);
the near-duplicate check runs without the retriever here (tests/integration/test_admin_entry_tools.py covers it).
Screenshots: test-artifacts/admin-editor-picker-{laptop,phone}.png and admin-editor-refused-quote.png.
"""

from __future__ import annotations

import re
import socket
import threading
import time

import pytest
import uvicorn
from playwright.sync_api import expect
from sqlalchemy import select

from api.admin.routes.entries import retriever_source
from api.security_headers import SecurityHeaders
from knowledge_base.store.models import EntryRow
from tests.helpers import PASSWORD

LAPTOP = (1366, 768)
PHONE = (360, 740)
TITLE = "发工资总是拖到月底合法吗"
ANSWER = (
    "每个月的工资应当以货币形式按月支付给劳动者本人，发薪日一般写在劳动合同或单位的工资制度里。单位没有正当理由，总是拖过约定的"
    "发薪日才发，都属于拖欠工资，您可以要求单位按时足额支付。建议您保存劳动合同、工资条、银行流水和催要工资的聊天记录，先与单位"
    "书面沟通；沟通不成的，可以拨打12333投诉，或者申请劳动仲裁。"
)
WANTED = "工资应当以货币形式按月支付给劳动者本人"  # the first words of 劳动法 第五十条


@pytest.fixture
def admin_url(app):
    """The admin pages served on a free loopback port for this test."""
    app.dependency_overrides[retriever_source] = lambda: lambda: None
    app.add_middleware(SecurityHeaders)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def sign_in(page, base: str, path: str) -> None:
    page.goto(base + path)
    page.get_by_label("用户名").fill("editor")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))


def fill_entry(page) -> None:
    page.get_by_label("领域").select_option("wage_arrears")
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("用户问法").fill(
        "老板发工资总是拖到下个月月底合法吗\n工资每次都晚发半个月算不算拖欠\n公司发薪日一拖再拖怎么办"
    )
    page.get_by_label("解答").fill(ANSWER)


def show_article(row, law: str, article: str) -> None:
    row.get_by_label("法规").fill(law)
    row.get_by_label("条号").fill(article)
    row.get_by_role("button", name="查看条文").click()
    expect(row.locator(".article-text")).to_contain_text(WANTED)


def select_words(row, count: int) -> None:
    """Select the first ``count`` characters of the shown article, as dragging over them would."""
    row.locator(".article-text").evaluate(
        """(element, count) => {
            const range = document.createRange();
            range.setStart(element.firstChild, 0);
            range.setEnd(element.firstChild, count);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""",
        count,
    )


def test_an_editor_adds_a_citation_only_through_the_picker(app, admin_url, new_page, screenshot):
    page = new_page(*LAPTOP)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console", lambda message: errors.append(message.text) if "Content Security Policy" in message.text else None
    )
    sign_in(page, admin_url, "/admin/entries/new")
    expect(page.locator("#f-id")).to_have_count(0)  # the id is generated, never typed
    fill_entry(page)

    # A typed quote that is not in the article is refused, and the article is shown beside the reason.
    row = page.locator(".citation-row").first
    row.get_by_label("法规").fill("劳动法")
    row.get_by_label("条号").fill("第五十条")
    row.get_by_label("引文").fill("工资应当用美元按月支付")
    page.get_by_role("button", name="创建草稿").click()
    alert = page.locator("#problems")
    expect(alert).to_contain_text("您填写的引文“工资应当用美元按月支付”不在《劳动法》第五十条中")
    expect(alert.locator(".article-text")).to_contain_text(WANTED)
    screenshot(page, "admin-editor-refused-quote.png")

    # Through the picker: the law by its full name, the article in Arabic numerals, then the selected words.
    row = page.locator(".citation-row").first
    show_article(row, "中华人民共和国劳动法", "50")
    expect(row.get_by_label("法规")).to_have_value("劳动法")
    expect(row.get_by_label("条号")).to_have_value("第五十条")
    expect(row.get_by_role("button", name="引用全文")).to_be_enabled()
    select_words(row, len(WANTED))
    row.get_by_role("button", name="引用选中的文字").click()
    expect(row.get_by_label("引文")).to_have_value(WANTED)
    screenshot(page, "admin-editor-picker-laptop.png")
    page.get_by_role("button", name="创建草稿").click()
    expect(page.get_by_role("status").first).to_have_text("草稿已创建。")
    expect(page.locator(".meta").first).to_contain_text("编号 wage-fa-gong-zi-zong-shi-tuo-dao-yue")
    with app.state.curation_db.session() as session:
        row_data = session.scalar(select(EntryRow).where(EntryRow.slug == "wage-fa-gong-zi-zong-shi-tuo-dao-yue")).data
    assert row_data["citations"] == [{"law": "劳动法", "article": "第五十条", "quote": WANTED}]
    assert not errors, errors  # no script refused by the content security policy, no script error

    # On a phone: the whole article can be quoted when it is short enough; a long one cannot.
    phone = new_page(*PHONE)
    sign_in(phone, admin_url, "/admin/entries/new")
    row = phone.locator(".citation-row").first
    row.get_by_label("法规").fill("劳动合同法")
    row.get_by_label("条号").fill("三十")
    row.get_by_role("button", name="查看条文").click()
    expect(row.locator(".article-text")).to_contain_text("用人单位应当按照劳动合同约定")
    expect(row.get_by_role("button", name="引用全文")).to_be_disabled()  # longer than 60 characters
    select_words(row, 30)
    row.get_by_role("button", name="引用选中的文字").click()
    expect(row.get_by_label("引文")).to_have_value(re.compile(r"^用人单位应当按照劳动合同约定.{16}$"))
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE[0], f"the editor scrolls sideways on a phone: {width}px"
    screenshot(phone, "admin-editor-picker-phone.png")
