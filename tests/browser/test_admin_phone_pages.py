"""The dashboard and the services directory on a 360×740 phone, in Debian's chromium, without the Rasa stack.

The admin pages run in-process (uvicorn in a thread) on a migrated temporary
SQLite database with a reviewer, a day of turns and two long unanswered
questions; a fake embedder keeps the queue grouping off the real model. On
the dashboard every chart label is measured as drawn (font size times the
SVG's scale) and must be at least ``MIN_FONT`` px, nothing may overflow the
screen, and a chart's CSV link downloads its numbers. On the services page the
reviewer saves the legal-aid centre's phone and sees it kept. Screenshots:
``test-artifacts/admin-dashboard-phone.png`` and ``test-artifacts/admin-services-phone.png``.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from datetime import timedelta

import numpy as np
import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import expect

from api import admin
from api.curation import auth
from api.dependencies import question_embedder
from api.routers.curation import install
from knowledge_base.store.db import open_database
from knowledge_base.store.models import Role, Turn, UnansweredItem, utcnow
from knowledge_base.store.services import ServiceContact

pytestmark = pytest.mark.browser
PASSWORD = "phone-password-1"
MIN_FONT = 12
LONG_QUESTIONS = (
    "单位让我签一份自愿放弃缴纳社会保险的声明，不签就不让上班，这样的声明有效吗",
    "父亲去世后留下的老房子，兄弟姐妹几个人对怎么分一直谈不拢，应该去哪里调解",
)


class FakeEmbedder:
    """One direction per distinct question: each is its own group."""

    model_name = "fake-onehot"

    def encode(self, texts: list[str], **_: object) -> np.ndarray:
        return np.eye(len(texts), 8, dtype=np.float32)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("phone-pages")
    database = open_database(f"sqlite:///{folder / 'farun.db'}")
    now = utcnow()
    with database.session() as session:
        auth.create_user(session, "reviewer", PASSWORD, Role.REVIEWER)
        kinds = ["answer"] * 6 + ["abstain", "handoff", "referral"]
        intents = ["wage_arrears", "elderly_services", "legal_services", "bot_challenge", "out_of_scope"]
        for index, kind in enumerate(kinds * 3):
            session.add(
                Turn(
                    at=now - timedelta(days=index % 9, minutes=5),
                    channel="web",
                    sender=f"{index:016d}",
                    text="问题",
                    kind=kind,
                    intent=intents[index % len(intents)],
                    area="wage_arrears" if index % 2 else "elderly_services",
                    entry_ids=[],
                )
            )
        for count, question in enumerate(LONG_QUESTIONS, 2):
            session.add(UnansweredItem(question=question, channel="web", reason="abstain", count=count))
        session.commit()
    app = FastAPI()
    install(app)
    admin.install(app)
    app.state.curation_db = database
    app.dependency_overrides[question_embedder] = FakeEmbedder
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.1)
    yield {"url": f"http://127.0.0.1:{port}", "database": database}
    server.should_exit = True
    thread.join(timeout=10)
    database.close()


def _phone(new_page, site, path: str):
    page = new_page(360, 740)
    page.goto(site["url"] + path)
    page.get_by_label("用户名").fill("reviewer")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(re.escape(path.split("#")[0]) + r"(\?.*)?(#.*)?$"))
    return page


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_the_dashboard_reads_on_a_phone(new_page, site, screenshot):
    page = _phone(new_page, site, "/admin/dashboard")
    expect(page.locator(".chart svg")).to_have_count(7)
    smallest = page.evaluate(
        """() => Math.min(...[...document.querySelectorAll('.chart svg text')].map(t => {
            const m = t.ownerSVGElement.getScreenCTM();
            return parseFloat(t.getAttribute('font-size')) * m.a;
        }))"""
    )
    assert smallest >= MIN_FONT, f"smallest chart label {smallest:.1f}px"
    assert _overflow(page) <= 0
    topics = page.locator("#chart-topics svg")
    expect(topics).to_contain_text(LONG_QUESTIONS[0][:12])
    expect(page.locator("#chart-messages svg")).to_contain_text("消息数（条）")  # legend
    expect(page.get_by_label("开始日期")).to_be_visible()
    expect(page.get_by_label("结束日期")).to_be_visible()
    screenshot(page, "admin-dashboard-phone.png")

    first = page.get_by_label("开始日期").input_value()
    page.get_by_label("开始日期").fill((np.datetime64(first) + np.timedelta64(25, "D")).astype(str))
    page.get_by_role("button", name="查看").click()
    expect(page).to_have_url(re.compile(r"start=\d{4}-\d\d-\d\d&end="))
    with page.expect_download() as download:
        page.locator("#chart-messages").get_by_role("link", name="下载数据（CSV）").click()
    rows = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == "日期,消息数" and len(rows) == 1 + 5


def test_a_reviewer_saves_a_phone_in_the_services_directory_on_a_phone(new_page, site, screenshot):
    page = _phone(new_page, site, "/admin/services")
    row = page.locator("#body-legal_aid_centre")
    expect(row).to_contain_text("区法律援助中心")
    row.get_by_label("电话").fill("0519-8600123")  # one digit short
    row.get_by_role("button", name="保存区法律援助中心的联系方式").click()
    expect(page.get_by_role("alert").first).to_contain_text("电话格式不对")
    row = page.locator("#body-legal_aid_centre")
    row.get_by_label("电话").fill("0519-86001234")
    row.get_by_label("开放时间（可不填）").fill("工作日 9:00-17:00")
    row.get_by_role("button", name="保存区法律援助中心的联系方式").click()
    expect(page.locator(".notice, [role=status]").first).to_contain_text("联系方式已保存")
    expect(page.locator("#body-legal_aid_centre").get_by_label("电话")).to_have_value("0519-86001234")
    assert _overflow(page) <= 0
    with site["database"].session() as session:
        assert session.get(ServiceContact, "legal_aid_centre").phone == "0519-86001234"
    page.locator("#body-legal_aid_centre").scroll_into_view_if_needed()
    screenshot(page, "admin-services-phone.png")
