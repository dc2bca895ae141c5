"""The mediation section of the services directory /admin/services through TestClient (no Rasa).

Roles, CSRF, validation, audit and time of a mediation body's contact; the
former page /admin/mediation redirects to the section.

Uses the seeded-database fixtures of tests/conftest.py: every test
gets its own copy with one account per role, and each user signs in with
their own client, reading the CSRF token from the page they were shown.
"""

from __future__ import annotations

import html
import re
from datetime import datetime

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from knowledge_base.store.models import AuditEvent
from knowledge_base.store.services import ServiceContact

URL = "/admin/services"
CONTACT = {"address": "钟楼区某路1号", "phone": "0519-86001234", "hours": "工作日 9:00-17:00", "map_note": ""}


def input_value(page: str, field: str, body_id: str) -> str:
    return html.unescape(re.search(rf'id="{field}-{body_id}" name="{field}" value="([^"]*)"', page)[1])


def saved(app, body_id: str) -> ServiceContact | None:
    with app.state.curation_db.session() as session:
        return session.get(ServiceContact, body_id)


def test_the_page_needs_sign_in(app):
    response = TestClient(app).get(URL, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/admin/login?next=")


def test_the_former_mediation_page_leads_to_the_directory(staff):
    response = staff("editor").client.get("/admin/mediation", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/admin/services#mediation"


def test_editors_read_the_bodies_but_cannot_save(app, staff):
    editor = staff("editor")
    page = editor.get(URL)
    assert page.status_code == 200
    assert "物业纠纷调解工作室" in page.text and "物业纠纷" in page.text and "（未填写）" in page.text
    assert 'href="/admin/services" aria-current="page">服务机构<' in page.text
    assert 'name="phone"' not in page.text
    refused = editor.post(f"{URL}/property", CONTACT)
    assert refused.status_code == 403 and "权限" in refused.text
    assert saved(app, "property") is None


def test_a_reviewer_saves_a_contact_and_it_is_audited(app, staff):
    reviewer = staff("reviewer")
    reviewer.get(URL)
    response = reviewer.post(f"{URL}/property", {key: f" {value} " for key, value in CONTACT.items()})
    assert response.status_code == 200 and "联系方式已保存" in response.text
    assert {field: input_value(response.text, field, "property") for field in CONTACT} == CONTACT
    assert "最后修改：reviewer" in response.text
    row = saved(app, "property")
    assert (row.address, row.phone, row.hours, row.map_note) == tuple(CONTACT.values())
    with app.state.curation_db.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "service_contact")).one()
        assert event.target == "services/property" and "0519-86001234" in event.detail
    assert "修改服务机构联系方式" in staff("admin").get("/admin/audit").text


def test_a_refused_value_keeps_what_was_typed_and_saves_nothing(app, staff):
    admin_user = staff("admin")
    admin_user.get(URL)
    typed = {"address": "钟楼区某路1号 www.example.com", "phone": "0519-1234", "hours": ""}
    response = admin_user.post(f"{URL}/market", typed)
    assert response.status_code == 422
    assert "电话格式不对" in response.text and "不能包含网址" in response.text
    assert input_value(response.text, "address", "market") == typed["address"]
    assert input_value(response.text, "phone", "market") == typed["phone"]
    assert input_value(response.text, "phone", "property") == ""
    assert saved(app, "market") is None
    assert admin_user.post(f"{URL}/market", {**typed, "address": "长" * 101, "phone": ""}).status_code == 422
    assert "地址最多100个字" in admin_user.page.text


def test_a_save_without_the_form_token_is_refused(app, staff):
    reviewer = staff("reviewer")
    reviewer.get(URL)
    response = reviewer.client.post(f"{URL}/property", data=CONTACT)
    assert response.status_code == 403 and saved(app, "property") is None
    assert reviewer.post(f"{URL}/no-such-body", CONTACT).status_code == 404


def test_the_last_change_is_shown_in_beijing_time(app, staff):
    reviewer = staff("reviewer")
    reviewer.get(URL)
    reviewer.post(f"{URL}/court", {**CONTACT, "hours": ""})
    with app.state.curation_db.session() as session:
        session.execute(update(ServiceContact).values(updated_at=datetime(2026, 11, 25, 7, 30)))
        session.commit()
    assert "最后修改：reviewer，2026-11-25 15:30（北京时间）" in reviewer.get(URL).text
