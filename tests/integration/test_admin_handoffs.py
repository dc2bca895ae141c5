"""The handoff queue /admin/handoffs through TestClient (no Rasa): list, filters, paging, the call-back phone by
role, 由我处理, 备注, 处理完毕 (which deletes the phone), the badge in the navigation, CSRF and audit.

Requests are made with ``api.curation.handoffs`` as the message path makes them, on this test's copy of the
seeded database (tests/conftest.py); each user signs in with their own client.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.admin.routes.audit import ACTION_NAMES
from api.curation import handoffs
from knowledge_base.store.handoffs import HandoffRequest
from knowledge_base.store.models import AuditEvent, Turn

URL = "/admin/handoffs"
PHONE = "13912345678"


def make_request(app, sender: str = "web-s1", channel: str = "web", phone: str | None = None, **payload) -> int:
    with app.state.curation_db.session() as session:
        session.add(
            Turn(channel=channel, sender=handoffs.sender_hash(sender), text="老板欠薪138****1111", kind="answer")
        )
        session.commit()
        row = handoffs.open_request(session, channel, sender, {"reason": "requested", **payload})
        if phone:
            handoffs.leave_callback(session, row, phone, "工作日下午")
            session.commit()
        return row.id


def request_row(app, request_id: int) -> HandoffRequest:
    with app.state.curation_db.session() as session:
        return session.get(HandoffRequest, request_id)


def card(page: str, request_id: int) -> str:
    return re.search(
        rf'<section class="card handoff[^"]*"[^>]*data-handoff="{request_id}">(.*?)</section>', page, re.S
    )[1]


def test_the_page_needs_sign_in(app):
    response = TestClient(app).get(URL, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/admin/login?next=")


def test_the_queue_lists_requests_with_their_turns_and_a_badge(app, staff):
    with_phone = make_request(app, "web-s1", phone=PHONE, last_question="老板欠薪怎么办")
    without = make_request(app, "wechat-s2", channel="wechat", reason="repeated_fallback")
    page = staff("editor").get(URL)
    assert page.status_code == 200
    assert re.search(r'href="/admin/handoffs" aria-current="page">转人工 <span class="badge">2<', page.text)
    first = card(page.text, with_phone)
    assert "用户要求转人工" in first and "老板欠薪怎么办" in first and "老板欠薪138****1111" in first
    assert "工作日下午" in first and "待处理" in first
    second = card(page.text, without)
    assert "多次没有理解" in second and "未留电话，无需回电" in second and "微信公众号" in second


def test_only_reviewers_and_admins_see_the_phone_in_full(app, staff):
    request_id = make_request(app, phone=PHONE)
    editor_page = staff("editor").get(URL).text
    assert PHONE not in editor_page and "139****5678" in card(editor_page, request_id)
    for name in ("reviewer", "admin"):
        page = staff(name).get(URL).text
        assert PHONE in card(page, request_id) and f'href="tel:{PHONE}"' in page


def test_assign_note_and_close_are_audited_and_closing_deletes_the_phone(app, staff):
    request_id = make_request(app, phone=PHONE)
    editor = staff("editor")
    editor.get(URL)

    assigned = editor.post(f"{URL}/{request_id}/assign", {})
    assert assigned.status_code == 200 and "已由您接手处理" in assigned.text
    assert "处理中" in card(assigned.text, request_id) and "处理人 editor" in card(assigned.text, request_id)
    assert 'class="badge"' not in assigned.text  # nothing open any more

    noted = editor.post(f"{URL}/{request_id}/note", {"text": "已回电，对方号码 13800001111，建议申请法律援助"})
    assert "备注已保存" in noted.text
    assert request_row(app, request_id).note == "已回电，对方号码 138****1111，建议申请法律援助"

    closed = editor.post(f"{URL}/{request_id}/close", {})
    assert "已标记为处理完毕" in closed.text and f'data-handoff="{request_id}"' not in closed.text
    row = request_row(app, request_id)
    assert (row.status, row.callback_phone) == ("done", None) and row.closed_at is not None
    done = editor.get(f"{URL}?status=done").text
    assert "已完成" in card(done, request_id) and "号码已删除" in card(done, request_id)

    with app.state.curation_db.session() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.target == f"handoff/{request_id}").order_by(AuditEvent.id)
        ).all()
        last_actor = events[-1].actor.username
    assert [event.action for event in events] == [
        "handoff_open",
        "handoff_callback",
        "handoff_assign",
        "handoff_note",
        "handoff_close",
    ]
    assert all(PHONE not in event.detail and "13800001111" not in event.detail for event in events)
    assert last_actor == "editor"

    audit_page = staff("admin").get(f"/admin/audit?target=handoff/{request_id}").text
    for action in ("handoff_open", "handoff_callback", "handoff_assign", "handoff_note", "handoff_close"):
        assert ACTION_NAMES[action] in audit_page
    assert PHONE not in audit_page

    again = editor.post(f"{URL}/{request_id}/close", {})
    assert again.status_code == 409 and "已经处理完毕" in again.text


def test_filters_and_paging(app, staff):
    ids = [make_request(app, f"web-p{number}") for number in range(21)]
    wechat = make_request(app, "wechat-p", channel="wechat", phone=PHONE)
    editor = staff("editor")
    first = editor.get(URL).text
    assert first.count('class="card handoff') == 20 and "第 1 / 2 页" in first
    second = editor.get(f"{URL}?page=2").text
    assert second.count('class="card handoff') == 2 and f'data-handoff="{ids[0]}"' in second
    only_wechat = editor.get(f"{URL}?channel=wechat").text
    assert only_wechat.count('class="card handoff') == 1 and f'data-handoff="{wechat}"' in only_wechat
    callbacks = editor.get(f"{URL}?callback=yes").text
    assert callbacks.count('class="card handoff') == 1
    assert editor.get(f"{URL}?status=nonsense").status_code == 422


def test_a_post_without_the_form_token_is_refused(app, staff):
    request_id = make_request(app)
    editor = staff("editor")
    refused = editor.client.post(f"{URL}/{request_id}/close", data={"csrf_token": "forged"})
    assert refused.status_code == 403
    assert request_row(app, request_id).status == "open"
