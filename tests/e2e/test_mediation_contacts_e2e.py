"""End to end: a contact saved on /admin/services is in the bot's next mediation answer, without a restart.

Uses the stack's own database: a fresh reviewer signs in to the staff page
of the running API (cookies and CSRF token as a browser), saves the address,
phone and hours of the property-dispute studio, and the next /api/chat turn
about a property dispute must name them. The test removes its account, the
contact and their audit rows afterwards.
"""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from sqlalchemy import delete, select

from api.curation import auth
from knowledge_base.store.models import ApiToken, AuditEvent, LoginAttempt, Role, User
from knowledge_base.store.seed import open_seeded_database
from knowledge_base.store.services import ServiceContact

PASSWORD = "e2e-password-1"
QUESTION = "跟小区物业有矛盾 能找哪里调解"
CONTACT = {"address": "钟楼区某路1号", "phone": "0519-86001234", "hours": "工作日 9:00-17:00"}


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page)[1]


def routing_text(chat, sender: str) -> str:
    return next(r["text"] for r in chat(sender, QUESTION)["replies"] if r["kind"] == "mediation_routing")


@pytest.fixture
def reviewer(stack):
    name = f"e2e-mediation-{uuid.uuid4().hex[:8]}"
    database = open_seeded_database()
    with database.session() as session:
        auth.create_user(session, name, PASSWORD, Role.REVIEWER)
        session.commit()
    yield name
    with database.session() as session:
        user_id = session.scalar(select(User.id).where(User.username == name))
        session.execute(delete(ServiceContact).where(ServiceContact.updated_by_id == user_id))
        session.execute(delete(AuditEvent).where(AuditEvent.actor_id == user_id))
        session.execute(delete(ApiToken).where(ApiToken.user_id == user_id))
        session.execute(delete(LoginAttempt).where(LoginAttempt.username == name))
        session.execute(delete(User).where(User.id == user_id))
        session.commit()
    database.close()


def test_a_contact_saved_on_the_page_is_in_the_next_answer(stack, chat, reviewer):
    sender = f"e2e-mediation-contact-{uuid.uuid4().hex[:8]}"
    assert "0519-86001234" not in routing_text(chat, sender)
    with httpx.Client(base_url=stack.api_url, timeout=30) as browser:
        login = browser.get("/admin/login")
        browser.post(
            "/admin/login", data={"username": reviewer, "password": PASSWORD, "csrf_token": csrf_of(login.text)}
        )
        page = browser.get("/admin/services")
        assert page.status_code == 200 and "物业纠纷调解工作室" in page.text
        saved = browser.post(
            "/admin/services/property", data={**CONTACT, "csrf_token": csrf_of(page.text)}, follow_redirects=True
        )
        assert saved.status_code == 200 and "联系方式已保存" in saved.text
    text = routing_text(chat, sender)
    assert "物业纠纷调解工作室" in text
    assert "地址：钟楼区某路1号，电话：0519-86001234，开放时间：工作日 9:00-17:00" in text
    assert "12348" in text  # the village (community) committee has no contact yet
