"""「转人工」 reaches a person, in a real browser on the real stack.

A resident types 转人工 on the phone-sized chat page: the reply offers the three ways to get help, says the
request went to staff (with its number) and shows the call-back form. Submitting without the consent tick is
refused on the page; with it, the number is stored in the request only (the turn log never sees it). A
reviewer signs in at laptop size, finds the request on /admin/handoffs with the number and the last turns,
takes it on and closes it; the number is gone. Screenshots: ``test-artifacts/handoff-reply-phone.png``
(handoff without a phone), ``handoff-phone-left-phone.png`` (after leaving one) and ``admin-handoffs.png``.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select

from api.curation.handoffs import sender_key
from api.curation.masking import sender_hash
from knowledge_base.store.handoffs import HandoffRequest
from knowledge_base.store.models import AuditEvent, Role, Turn
from knowledge_base.store.seed import open_seeded_database
from tests.browser.chat_page import ask, open_chat, reload, sender

PHONE = "13912345678"


@pytest.fixture(scope="module")
def cleanup(staff_account):
    """A fresh reviewer; the conversations' requests, their audit rows and turns are removed afterwards."""
    senders: list[str] = []
    yield {"reviewer": staff_account(Role.REVIEWER), "senders": senders}
    database = open_seeded_database()
    with database.session() as session:
        keys = [sender_key("web", name) for name in senders]
        ids = list(session.scalars(select(HandoffRequest.id).where(HandoffRequest.sender.in_(keys))))
        session.execute(delete(AuditEvent).where(AuditEvent.target.in_([f"handoff/{i}" for i in ids])))
        session.execute(delete(HandoffRequest).where(HandoffRequest.id.in_(ids)))
        session.execute(delete(Turn).where(Turn.sender.in_([sender_hash(name) for name in senders])))
        session.commit()
    database.close()


def stored(request_id: int) -> HandoffRequest:
    database = open_seeded_database()
    try:
        with database.session() as session:
            return session.get(HandoffRequest, request_id)
    finally:
        database.close()


def test_a_resident_leaves_a_phone_and_staff_close_the_request(stack, new_page, sign_in, screenshot, cleanup):
    page = open_chat(new_page, stack, "phone")
    cleanup["senders"].append(sender(page))
    reply = ask(page, "转人工")
    expect(reply).to_have_attribute("data-kind", "handoff")
    bubble = reply.locator(".bubble")
    expect(bubble).to_contain_text("12348")
    expect(bubble).to_contain_text("法律援助中心")
    expect(bubble).to_contain_text("已转给工作人员（编号")
    request_id = int(re.search(r"编号 (\d+)", bubble.inner_text())[1])
    form = reply.get_by_role("form", name="留下电话，请工作人员回电")
    form.scroll_into_view_if_needed()
    expect(form).to_be_visible()
    screenshot(page, "handoff-reply-phone.png")

    form.get_by_label("电话号码").fill(PHONE)
    form.get_by_label("方便接听的时间（可不填）").fill("工作日下午")
    form.get_by_role("button", name="提交电话").click()
    expect(form.locator(".callback-status")).to_have_text(re.compile("请先勾选同意"))
    assert stored(request_id).callback_phone is None

    form.get_by_label(re.compile("我同意保存这个号码")).check()
    form.get_by_role("button", name="提交电话").click()
    done = reply.locator(".callback-done")
    expect(done).to_contain_text("尾号5678")
    expect(done).to_contain_text("工作日下午")
    screenshot(page, "handoff-phone-left-phone.png")
    row = stored(request_id)
    assert (row.callback_phone, row.callback_time, row.wants_callback) == (PHONE, "工作日下午", True)
    assert all(PHONE not in turn["text"] for turn in row.last_turns)
    assert PHONE not in page.evaluate("localStorage.getItem('farun-history')")
    reload(page)  # the page remembers that the number was left, not the number
    expect(page.locator(".callback-done").last).to_contain_text("尾号5678")

    staff = new_page(1366, 768)
    sign_in(staff, cleanup["reviewer"], "/admin/handoffs")
    card = staff.locator(f'section[data-handoff="{request_id}"]')
    expect(card).to_contain_text(PHONE)
    expect(card).to_contain_text("工作日下午")
    expect(card).to_contain_text("待处理")
    card.get_by_text(re.compile("最近的对话")).click()
    expect(card.locator(".turns")).to_contain_text("转人工")
    expect(staff.locator("nav .badge")).to_be_visible()
    screenshot(staff, "admin-handoffs.png")

    card.get_by_role("button", name="由我处理").click()
    expect(staff.get_by_role("status")).to_contain_text("已由您接手处理")
    card = staff.locator(f'section[data-handoff="{request_id}"]')
    expect(card).to_contain_text("处理中")
    card.get_by_label("备注").fill("已回电，建议申请法律援助")
    card.get_by_role("button", name="保存备注").click()
    expect(staff.get_by_role("status")).to_contain_text("备注已保存")
    staff.locator(f'section[data-handoff="{request_id}"]').get_by_role(
        "button", name=f"编号 {request_id} 处理完毕"
    ).click()
    expect(staff.get_by_role("status")).to_contain_text("已标记为处理完毕")
    expect(staff.locator(f'section[data-handoff="{request_id}"]')).to_have_count(0)
    row = stored(request_id)
    assert (row.status, row.callback_phone, row.note) == ("done", None, "已回电，建议申请法律援助")
