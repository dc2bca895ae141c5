"""Browser fixtures: Debian's chromium driven by Playwright, shared by every page test.

``browser`` is one headless chromium for the test session; ``new_page(width,
height, scale)`` opens a fresh context (own cookies and storage) on it, Chinese locale, closed at
the end of the test module that made it; ``screenshot(page, name)`` saves to
``test-artifacts/``. For the staff pages on the real stack, ``staff_account(role)``
makes a fresh account (deleted with what it did at the end of the module) and
``sign_in(page, username, path)`` signs it in through the login page.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import delete, select, update

from api.curation import auth
from knowledge_base.store.models import (
    ApiToken,
    AuditEvent,
    EntryRow,
    EntryVersion,
    LoginAttempt,
    Role,
    UnansweredItem,
    User,
)
from knowledge_base.store.seed import open_seeded_database

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STAFF_PASSWORD = "browser-password-1"


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: `apt-get install -y chromium` (done by .ci/run)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def new_page(browser):
    """Factory: a page in a new browser context (its own cookies and storage), phone-sized unless told otherwise;
    ``scale`` is the device pixel ratio."""
    contexts = []

    def open_page(width: int = 390, height: int = 844, scale: float = 1):
        context = browser.new_context(
            viewport={"width": width, "height": height}, device_scale_factor=scale, locale="zh-CN"
        )
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def screenshot():
    """Function ``(page, name) -> Path``: a full-page screenshot written to ``test-artifacts/<name>``."""

    def save(page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture(scope="module")
def staff_account(stack):
    """Factory ``(role) -> username``: a fresh account in the stack's database, password ``STAFF_PASSWORD``.

    At the end of the module the accounts are deleted with their audit events, entry versions, tokens and sign-in
    attempts; a fixture built on this one removes anything else its test made (entries, turns) before that.
    """
    database = open_seeded_database()
    names: list[str] = []

    def create(role: Role) -> str:
        name = f"browser-{role.value}-{uuid.uuid4().hex[:8]}"
        with database.session() as session:
            auth.create_user(session, name, STAFF_PASSWORD, role)
            session.commit()
        names.append(name)
        return name

    yield create
    with database.session() as session:
        users = list(session.scalars(select(User.id).where(User.username.in_(names))))
        session.execute(delete(AuditEvent).where(AuditEvent.actor_id.in_(users)))
        session.execute(delete(EntryVersion).where(EntryVersion.author_id.in_(users)))
        session.execute(delete(ApiToken).where(ApiToken.user_id.in_(users)))
        session.execute(delete(LoginAttempt).where(LoginAttempt.username.in_(names)))
        for column in (EntryRow.last_editor_id, EntryRow.submitted_by_id, UnansweredItem.resolved_by_id):
            session.execute(update(column.class_).where(column.in_(users)).values({column.key: None}))
        session.execute(delete(User).where(User.id.in_(users)))
        session.commit()
    database.close()


@pytest.fixture(scope="session")
def sign_in(stack):
    """Function ``(page, username, path)``: open ``path``, get sent to the login page, sign in, land on ``path``."""

    def open_signed_in(page, username: str, path: str = "/admin/entries") -> None:
        page.goto(stack.api_url + path)
        expect(page).to_have_url(re.compile(r"/admin/login\?next="))
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(STAFF_PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page).to_have_url(re.compile(re.escape(path) + "$"))

    return open_signed_in
