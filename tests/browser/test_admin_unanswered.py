"""Unanswered queue and dashboard in a real browser on the real stack: a 没用 question becomes a draft entry.

A resident asks through /api/chat and answers 没用; a fresh editor signs in
through the login page, finds the question on /admin/unanswered, clicks
转为新条目草稿, sees the editor pre-filled with the question, writes an
answer and saves; the draft exists and the question has left the queue.
After a few more turns (answers, a handoff, feedback) the dashboard is
captured. Screenshots: ``admin-unanswered.png`` (phone) and
``admin-dashboard.png`` (laptop). The test removes its account, entry, turns and queue item.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select

from api.curation.masking import sender_hash
from knowledge_base.store.models import EntryRow, Role, Turn, UnansweredItem
from knowledge_base.store.seed import open_seeded_database
from tests.browser.admin_editor import create_draft

QUESTION = "公司拖欠我两个月工资，还不给开离职证明怎么办"
# More of a day's conversation, so the dashboard screenshot shows every chart with data.
MORE_TURNS = [
    "你好",
    "怎么申请法律援助",
    "儿子不给赡养费怎么办",
    '/feedback{"feedback_value": "useful"}',
    "调解员收了对方的红包",
    "转人工",
]
ANSWER = (
    "用人单位应当在解除或者终止劳动合同时出具解除或者终止劳动合同的证明。单位拖欠工资又不开离职证明的，"
    "您可以先保存劳动合同、考勤记录、工资条和催要的聊天记录，书面要求单位支付工资并出具证明；"
    "单位仍不办理的，可以拨打12333向劳动保障监察部门投诉，或者向劳动人事争议仲裁委员会申请仲裁。"
)


@pytest.fixture(scope="module")
def editor(staff_account):
    """A fresh editor, the chat sender and the id the draft will get; the entry, turns and queue items go afterwards."""
    suffix = uuid.uuid4().hex[:8]
    names = {
        "user": staff_account(Role.EDITOR),
        "sender": f"browser-queue-sender-{suffix}",
        "entry": f"wage-unpaid-certificate-{suffix}",
    }
    yield names
    database = open_seeded_database()
    with database.session() as session:
        session.execute(delete(EntryRow).where(EntryRow.slug == names["entry"]))
        session.execute(delete(Turn).where(Turn.sender == sender_hash(names["sender"])))
        session.execute(delete(UnansweredItem).where(UnansweredItem.question.in_([QUESTION, *MORE_TURNS])))
        session.commit()
    database.close()


def test_an_unanswered_question_becomes_a_draft_and_the_dashboard_shows_it(
    stack, chat, editor, new_page, sign_in, screenshot
):
    chat(editor["sender"], QUESTION)
    assert chat(editor["sender"], '/feedback{"feedback_value": "not_useful"}')["replies"][0]["kind"] == "feedback"

    page = new_page()
    sign_in(page, editor["user"], "/admin/unanswered")

    group = page.locator("section.group").filter(has=page.get_by_role("heading", name=QUESTION, exact=True))
    expect(group).to_have_count(1)
    expect(group).to_contain_text("用户反馈没用")
    expect(group.locator("table.candidates tbody tr")).not_to_have_count(0)
    screenshot(page, "admin-unanswered.png")
    group.get_by_role("link", name="转为新条目草稿").click()

    expect(page.get_by_role("heading", name="新建条目")).to_be_visible()
    expect(page.get_by_label("用户问法（每行一个，至少 3 个）")).to_have_value(QUESTION)
    expect(page.get_by_label("标题")).to_have_value(QUESTION)
    page.get_by_label("解答（居民常见问题，150–600 字）").fill(ANSWER)
    editor["entry"] = create_draft(page)  # generated from the area and the title

    page.goto(stack.api_url + "/admin/unanswered")
    expect(page.get_by_role("heading", name=QUESTION, exact=True)).to_have_count(0)
    database = open_seeded_database()
    with database.session() as session:
        row = session.scalar(select(EntryRow).where(EntryRow.slug == editor["entry"]))
        item = session.scalar(select(UnansweredItem).where(UnansweredItem.question == QUESTION))
        assert (row.state, row.data["questions"]) == ("draft", [QUESTION])
        assert (item.status, item.resolution) == ("drafted", editor["entry"])
    database.close()

    for message in MORE_TURNS:
        chat(editor["sender"], message)
    laptop = new_page(1280, 900)
    sign_in(laptop, editor["user"], "/admin/dashboard")
    expect(laptop.locator("svg")).to_have_count(7)
    assert int(laptop.locator("#total-messages").inner_text()) >= 2 + len(MORE_TURNS)
    assert int(laptop.locator("#handoffs").inner_text()) >= 1
    screenshot(laptop, "admin-dashboard.png")
