"""End to end: an entry published through the curation API is answered by the running bot without a restart.

Uses the stack's own database (the API seeded it at start-up): two fresh
accounts write, submit and publish an entry, the next /api/chat turn must
answer from it, and after archiving it must no longer be served. The test
removes its accounts and entry afterwards.
"""

from __future__ import annotations

import time
import uuid

import httpx
import pytest
from sqlalchemy import delete, select

from api.curation import auth
from knowledge_base.store.models import ApiToken, AuditEvent, EntryRow, EntryVersion, LoginAttempt, Role, User
from knowledge_base.store.seed import open_seeded_database

QUESTION = "老板欠我工资还把我微信拉黑了怎么办"
PASSWORD = "e2e-password-1"


def entry(entry_id: str) -> dict:
    return {
        "id": entry_id,
        "collection": "faq",
        "area": "wage_arrears",
        "title": "老板欠薪后把人拉黑怎么办",
        "questions": [QUESTION, "欠薪的老板把我拉黑了 联系不上", "老板拉黑我以后工资还能要回来吗"],
        "answer": "老板拉黑不影响您追讨工资。用人单位应当向劳动者及时足额支付劳动报酬，请保存聊天记录、考勤和工资条，"
        "向钟楼区劳动保障监察部门投诉或申请劳动仲裁。",
        "citations": [{"law": "劳动合同法", "article": "第三十条", "quote": "向劳动者及时足额支付劳动报酬"}],
        "next_steps": ["拨打12333投诉"],
    }


def first_entry_id(chat, sender: str) -> str | None:
    replies = [r for r in chat(sender, QUESTION)["replies"] if r["kind"] in ("answer", "did_you_mean")]
    return replies[0]["entry_ids"][0] if replies and replies[0]["entry_ids"] else None


def remove_traces(database, suffix: str) -> None:
    """Delete this test's accounts, entry and their audit rows, leaving the stack's database as it was seeded."""
    with database.session() as session:
        users = list(session.scalars(select(User.id).where(User.username.like(f"e2e-%-{suffix}"))))
        session.execute(delete(AuditEvent).where(AuditEvent.actor_id.in_(users)))
        session.execute(delete(EntryVersion).where(EntryVersion.author_id.in_(users)))
        session.execute(delete(EntryRow).where(EntryRow.slug == f"wage-blocked-{suffix}"))
        session.execute(delete(ApiToken).where(ApiToken.user_id.in_(users)))
        session.execute(delete(LoginAttempt).where(LoginAttempt.username.like(f"e2e-%-{suffix}")))
        session.execute(delete(User).where(User.id.in_(users)))
        session.commit()


@pytest.fixture
def accounts(stack):
    suffix = uuid.uuid4().hex[:8]
    database = open_seeded_database()
    with database.session() as session:
        for name, role in ((f"e2e-editor-{suffix}", Role.EDITOR), (f"e2e-reviewer-{suffix}", Role.REVIEWER)):
            auth.create_user(session, name, PASSWORD, role)
        session.commit()
    client = httpx.Client(base_url=stack.api_url, timeout=60)

    def login(name: str) -> dict:
        response = client.post("/api/curation/login", json={"username": f"e2e-{name}-{suffix}", "password": PASSWORD})
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['token']}"}

    yield client, login("editor"), login("reviewer"), suffix
    client.close()
    remove_traces(database, suffix)
    database.close()


def test_published_entry_is_served_by_the_next_turn_and_archiving_withdraws_it(chat, accounts):
    client, editor, reviewer, suffix = accounts
    entry_id = f"wage-blocked-{suffix}"
    created = client.post("/api/curation/entries", json={"data": entry(entry_id)}, headers=editor)
    assert created.status_code == 201, created.text
    submitted = client.post(
        f"/api/curation/entries/{entry_id}/submit", json={"version": created.json()["version"]}, headers=editor
    ).json()
    started = time.perf_counter()
    assert first_entry_id(chat, f"e2e-{suffix}-a") != entry_id  # an entry in review is not served
    print(f"\nordinary turn: {time.perf_counter() - started:.2f}s")
    published = client.post(
        f"/api/curation/entries/{entry_id}/approve", json={"version": submitted["version"]}, headers=reviewer
    )
    assert published.status_code == 200, published.text
    try:
        started = time.perf_counter()
        assert first_entry_id(chat, f"e2e-{suffix}-b") == entry_id
        print(f"publish → served answer: {time.perf_counter() - started:.2f}s")
    finally:
        archived = client.post(
            f"/api/curation/entries/{entry_id}/archive", json={"version": published.json()["version"]}, headers=reviewer
        )
        assert archived.status_code == 200, archived.text
    assert first_entry_id(chat, f"e2e-{suffix}-c") != entry_id
