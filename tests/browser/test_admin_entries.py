"""Staff pages in a real browser on the real stack: an editor writes and submits, a reviewer publishes, the bot answers.

Two fresh accounts (made directly in the stack's database) drive the pages
in Debian's chromium: the editor creates a draft with a citation, meets a
save conflict from a second tab (the typed text is kept), saves again and
submits; the reviewer publishes on a phone-sized page; /api/chat then answers
from the new entry. Also: /admin needs a sign-in, and a POST without the CSRF
token is refused. A reviewer ticks two submitted entries on the review list and
publishes them with one button. Screenshots: ``admin-editor.png``,
``admin-diff.png``, ``admin-bulk-publish.png``. The tests archive their entries
and remove their accounts afterwards.
"""

from __future__ import annotations

import re
import time
import uuid

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select

from api.curation import workflow
from knowledge_base.store.models import EntryRow, Role, State, User
from knowledge_base.store.seed import open_seeded_database
from tests.browser.admin_editor import create_draft
from tests.helpers import CITATION

QUESTION = "老板发工资总是拖到下个月月底合法吗"
ANSWER = (
    "每个月的工资应当以货币形式按月支付给劳动者本人，发薪日一般写在劳动合同或单位的工资制度里。单位没有正当理由，总是拖过约定的"
    "发薪日才发，或者一拖再拖、几个月才发一次，都属于拖欠工资，您可以要求单位按时足额支付。建议您保存劳动合同、工资条、银行流水"
    "和催要工资的聊天记录，先与单位书面沟通；沟通不成的，可以拨打12333投诉，或者申请劳动仲裁。"
)
LAPTOP = (1280, 900)


@pytest.fixture(scope="module")
def staff(staff_account):
    """Usernames of a fresh editor and reviewer, and the id the test's entry will get; the entry goes afterwards."""
    names = {
        "editor": staff_account(Role.EDITOR),
        "reviewer": staff_account(Role.REVIEWER),
        "entry": f"wage-late-{uuid.uuid4().hex[:8]}",
    }
    yield names
    database = open_seeded_database()
    with database.session() as session:
        row = session.scalar(select(EntryRow).where(EntryRow.slug == names["entry"]))
        if row is not None and row.state == State.PUBLISHED.value:
            reviewer = session.scalar(select(User).where(User.username == names["reviewer"]))
            workflow.archive(session, reviewer, row.slug, row.lock_version)  # the bot stops serving it
        session.execute(delete(EntryRow).where(EntryRow.slug == names["entry"]))
        session.commit()
    database.close()


def answered_by(stack, entry_id: str, timeout: float = 10.0) -> tuple[dict, float]:
    """Ask until the bot's first answer comes from ``entry_id`` (or ``timeout`` passes); that reply and the seconds."""
    started = time.perf_counter()
    with httpx.Client(base_url=stack.api_url, timeout=60) as client:
        turn = 0
        while True:
            turn += 1
            reply = client.post("/api/chat", json={"sender": f"browser-{entry_id}-{turn}", "message": QUESTION}).json()
            answers = [r for r in reply["replies"] if r["kind"] in ("answer", "did_you_mean") and r["entry_ids"]]
            elapsed = time.perf_counter() - started
            if (answers and answers[0]["entry_ids"][0] == entry_id) or elapsed > timeout:
                return (answers[0] if answers else {}), elapsed
            time.sleep(0.2)


def test_admin_pages_need_a_sign_in(stack, new_page):
    page = new_page()
    page.goto(stack.api_url + "/admin")
    expect(page).to_have_url(re.compile(r"/admin/login\?next="))
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible()


def test_a_post_without_the_csrf_token_is_refused(stack, new_page, staff, sign_in):
    page = new_page(*LAPTOP)
    sign_in(page, staff["editor"], "/admin/entries/new")
    response = page.request.post(
        stack.api_url + "/admin/entries/new", form={"id": staff["entry"], "collection": "faq", "title": "无令牌的请求"}
    )
    assert response.status == 403
    assert "安全校验失败" in response.text()
    assert page.request.get(f"{stack.api_url}/admin/entries/{staff['entry']}").status == 404


def fill_editor(page) -> None:
    page.get_by_label("领域").select_option("wage_arrears")
    page.get_by_label("标题").fill("发工资总是拖到月底合法吗")
    page.get_by_label("用户问法").fill(f"{QUESTION}\n工资每次都晚发半个月算不算拖欠\n公司发薪日一拖再拖怎么办")
    page.get_by_label("解答").fill(ANSWER)
    row = page.locator(".citation-row").first
    row.get_by_label("法规").fill("劳动法")
    row.get_by_label("条号").fill("第五十条")
    row.get_by_label("引文").fill("工资应当以货币形式按月支付给劳动者本人")
    page.get_by_label("下一步建议").fill("拨打12333向劳动保障监察部门投诉\n向劳动人事争议仲裁委员会申请仲裁")
    page.get_by_label("标签").fill("拖欠工资\n发薪日")


def test_editor_writes_reviewer_publishes_and_the_bot_answers(stack, new_page, staff, sign_in, screenshot):
    editor = new_page(*LAPTOP)
    sign_in(editor, staff["editor"], "/admin/entries/new")
    fill_editor(editor)
    entry_id = staff["entry"] = create_draft(editor)  # the id is generated from the area and the title
    assert entry_id.startswith("wage-")
    expect(editor.locator(".heading .state")).to_have_text("草稿")
    screenshot(editor, "admin-editor.png")

    # A second tab opens the same version; the first tab saves; the second tab's save is stale.
    other_tab = editor.context.new_page()
    other_tab.goto(editor.url)
    editor.get_by_label("标题").fill("工资总是拖到下个月月底才发合法吗")
    editor.get_by_role("button", name="保存为新版本").click()
    expect(editor.get_by_role("status")).to_have_text("已保存为新版本。")
    typed = ANSWER.replace("申请劳动仲裁", "向劳动人事争议仲裁委员会申请仲裁")
    other_tab.get_by_label("解答").fill(typed)
    other_tab.get_by_role("button", name="保存为新版本").click()
    expect(other_tab.get_by_role("alert")).to_contain_text("保存冲突")
    expect(other_tab.get_by_label("解答")).to_have_value(typed)
    expect(other_tab.locator(".conflict")).to_contain_text("工资总是拖到下个月月底才发合法吗")
    other_tab.get_by_label("标题").fill("工资总是拖到下个月月底才发合法吗")
    other_tab.get_by_role("button", name="保存为新版本").click()
    expect(other_tab.get_by_role("status")).to_have_text("已保存为新版本。")
    other_tab.close()

    editor.reload()
    editor.get_by_role("button", name="对比所选版本").click()
    expect(editor.locator(".diff ins")).to_contain_text(["向劳动人事争议仲裁委员会申请仲裁"])
    expect(editor.locator(".diff ins mark")).to_have_text(["向劳动人事争议仲裁委员会"])  # just the edited words
    expect(editor.locator(".diff del").first).to_be_visible()
    screenshot(editor, "admin-diff.png")
    editor.get_by_role("link", name="返回条目").click()
    editor.get_by_role("button", name="提交审核").click()
    expect(editor.get_by_role("status")).to_have_text("已提交审核。")

    reviewer = new_page()  # phone-sized
    sign_in(reviewer, staff["reviewer"])
    reviewer.get_by_role("link", name="待审核").click()
    reviewer.get_by_role("link", name="工资总是拖到下个月月底才发合法吗").click()
    reviewer.get_by_role("button", name="审核通过并发布").click()
    expect(reviewer.get_by_role("status")).to_contain_text("已审核通过并发布")
    expect(reviewer.locator(".heading .state")).to_have_text("已发布")

    answer, seconds = answered_by(stack, entry_id)
    print(f"\npublish → served answer: {seconds:.2f}s")
    assert answer.get("entry_ids", [None])[0] == entry_id
    assert "向劳动人事争议仲裁委员会申请仲裁" in answer["text"]


@pytest.fixture
def submitted(staff_account, staff):
    """Two entries written and submitted by a fresh editor (through the workflow); archived and removed afterwards."""
    suffix = uuid.uuid4().hex[:8]
    slugs = [f"wage-bulk-{number}-{suffix}" for number in (1, 2)]
    editor_name = staff_account(Role.EDITOR)
    database = open_seeded_database()
    with database.session() as session:
        editor = session.scalar(select(User).where(User.username == editor_name))
        for number, slug in enumerate(slugs, 1):
            data = {
                "id": slug,
                "collection": "faq",
                "area": "wage_arrears",
                "title": f"批量发布测试{number}：工资拖到月底才发",
                "questions": [
                    f"批量发布测试{number}工资拖到月底",
                    f"批量发布测试{number}发薪日一拖再拖",
                    f"批量发布测试{number}晚发工资",
                ],
                "answer": ANSWER,
                "citations": [CITATION],
                "next_steps": ["拨打12333投诉"],
            }
            row = workflow.create_entry(session, editor, data)
            workflow.submit(session, editor, row.slug, row.lock_version)
    yield slugs
    with database.session() as session:
        for slug in slugs:
            row = session.scalar(select(EntryRow).where(EntryRow.slug == slug))
            if row is not None and row.state == State.PUBLISHED.value:
                reviewer = session.scalar(select(User).where(User.username == staff["reviewer"]))
                workflow.archive(session, reviewer, slug, row.lock_version)  # the bot stops serving it
        session.execute(delete(EntryRow).where(EntryRow.slug.in_(slugs)))
        session.commit()
    database.close()


def test_a_reviewer_publishes_two_submitted_entries_in_one_go(stack, new_page, staff, submitted, sign_in, screenshot):
    page = new_page(*LAPTOP)
    sign_in(page, staff["reviewer"], "/admin/review")
    for slug in submitted:
        page.locator(f"#publish-{slug}").check()
    page.get_by_role("button", name="发布所选条目").click()
    outcome = page.locator(".bulk-outcome")
    expect(outcome).to_contain_text("已发布 2 条")
    expect(outcome.locator("ul.published li")).to_have_count(2)
    expect(outcome.locator("ul.refused")).to_have_count(0)
    screenshot(page, "admin-bulk-publish.png")
    database = open_seeded_database()
    with database.session() as session:
        rows = session.scalars(select(EntryRow).where(EntryRow.slug.in_(submitted))).all()
        assert sorted(row.state for row in rows) == [State.PUBLISHED.value] * 2
    database.close()
