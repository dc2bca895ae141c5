"""Admin pages through FastAPI's TestClient (no Rasa): sign-in, CSRF, roles, editor, conflicts, history, accounts,
paging, Beijing time, Chinese validation messages and audit action names.

Each test gets its own copy of a seeded database with one account per role;
every user signs in with their own client (own cookies), exactly as a browser
would, reading the CSRF token from the page they were shown.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from api.admin.paging import PAGE_SIZE
from api.admin.routes.audit import ACTION_NAMES
from api.curation.login_throttle import LoginThrottle
from api.curation.spreadsheet_layout import COLUMNS
from knowledge_base.loader import load_knowledge_base
from knowledge_base.store.models import AuditEvent, EntryRow, QueueStatus
from tests.helpers import PASSWORD, csrf_of, listed_everywhere, listed_ids, next_link, searched_words

ANSWER = (
    "每个月的工资应当以货币形式按月支付给劳动者本人，发薪日一般写在劳动合同或单位的工资制度里。单位没有正当理由，总是拖过约定的"
    "发薪日才发，或者一拖再拖、几个月才发一次，都属于拖欠工资，您可以要求单位按时足额支付。建议您保存劳动合同、工资条、银行流水"
    "和催要工资的聊天记录，先与单位书面沟通；沟通不成的，可以拨打12333投诉，或者申请劳动仲裁。"
)


def editor_form(entry_id: str = "wage-late-test", **changes) -> dict:
    form = {
        "id": entry_id,
        "collection": "faq",
        "area": "wage_arrears",
        "title": "发工资总是拖到月底合法吗",
        "questions": "老板发工资总是拖到下个月月底合法吗\n工资每次都晚发半个月算不算拖欠\n公司发薪日一拖再拖怎么办",
        "answer": ANSWER,
        "citation_law": ["劳动法", ""],
        "citation_article": ["第五十条", ""],
        "citation_quote": ["工资应当以货币形式按月支付给劳动者本人", ""],
        "next_steps": "拨打12333投诉",
        "tags": "拖欠工资\n发薪日",
    }
    return {**form, **changes}


def version_on(page) -> int:
    return int(re.search(r'name="version" value="(\d+)"', page.text)[1])


def test_pages_need_sign_in_and_return_to_the_page_asked_for(app):
    client = TestClient(app)
    response = client.get("/admin/entries?state=draft", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login?next=%2Fadmin%2Fentries%3Fstate%3Ddraft"
    login = client.get(response.headers["location"])
    assert '<html lang="zh-CN">' in login.text and "工作人员登录" in login.text
    form = {
        "username": "editor",
        "password": PASSWORD,
        "next": "/admin/entries?state=draft",
        "csrf_token": csrf_of(login.text),
    }
    signed_in = client.post("/admin/login", data=form, follow_redirects=False)
    assert signed_in.headers["location"] == "/admin/entries?state=draft"
    cookie = signed_in.headers["set-cookie"]
    assert "farun_admin_session=" in cookie and "HttpOnly" in cookie and "Path=/admin" in cookie
    assert "samesite=lax" in cookie.lower()


def test_sign_in_only_returns_to_admin_pages(app):
    client = TestClient(app)
    login = client.get("/admin/login")
    response = client.post(
        "/admin/login",
        data={
            "username": "editor",
            "password": PASSWORD,
            "next": "https://evil.example/",
            "csrf_token": csrf_of(login.text),
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/admin/entries"


def test_wrong_passwords_are_refused_in_chinese_and_then_rate_limited(app):
    app.state.login_throttle = LoginThrottle(clock=lambda: 1000.0)  # the clock stands still: no wait runs out
    client = TestClient(app)
    token = csrf_of(client.get("/admin/login").text)
    statuses = [
        client.post("/admin/login", data={"username": "editor", "password": "wrong-password", "csrf_token": token})
        for _ in range(6)
    ]
    assert [response.status_code for response in statuses] == [401] * 5 + [429]
    assert "用户名或密码错误" in statuses[0].text
    assert "登录失败次数过多，请 1 秒后再试" in statuses[-1].text and statuses[-1].headers["Retry-After"] == "1"
    assert 'value="editor"' in statuses[-1].text  # the typed username is kept


def test_posts_without_a_valid_csrf_token_are_refused(staff):
    editor = staff("editor")
    editor.get("/admin/entries/new")
    missing = editor.client.post("/admin/entries/new", data=editor_form())
    forged = editor.client.post("/admin/entries/new", data={**editor_form(), "csrf_token": "0" * 64})
    for response in (missing, forged):
        assert response.status_code == 403
        assert "安全校验失败" in response.text
    assert editor.get("/admin/entries/wage-late-test").status_code == 404
    anonymous = TestClient(editor.client.app)
    assert anonymous.post("/admin/login", data={"username": "editor", "password": PASSWORD}).status_code == 403


def test_editor_creates_a_draft_and_the_validator_problems_show_with_the_typed_text(staff):
    editor = staff("editor")
    editor.get("/admin/entries/new")
    bad = editor.post("/admin/entries/new", editor_form(citation_quote=["工资应当用美元支付", ""]))
    assert bad.status_code == 422
    assert "法条引用无法核实" in bad.text
    assert 'value="工资应当用美元支付"' in bad.text and "公司发薪日一拖再拖怎么办" in bad.text
    created = editor.post("/admin/entries/new", editor_form())
    assert created.status_code == 200 and "草稿已创建" in created.text
    assert created.url.path == "/admin/entries/wage-late-test"
    assert "草稿" in created.text and 'value="工资应当以货币形式按月支付给劳动者本人"' in created.text


def test_roles_decide_what_each_page_allows(staff):
    editor, reviewer = staff("editor"), staff("reviewer")
    editor.get("/admin/entries/new")
    editor.post("/admin/entries/new", editor_form())
    assert editor.get("/admin/accounts").status_code == 403
    assert "需要管理员权限" in editor.page.text
    assert "/admin/accounts" not in editor.get("/admin/entries").text  # no nav link either
    reviewer.get("/admin/entries/new")
    refused = reviewer.post("/admin/entries/new", editor_form("wage-late-reviewer"))
    assert refused.status_code == 403 and "需要编辑、管理员权限" in refused.text

    page = editor.get("/admin/entries/wage-late-test")
    editor.post("/admin/entries/wage-late-test/submit", {"version": version_on(page)})
    assert "已提交审核" in editor.page.text
    assert "审核通过并发布" not in editor.page.text  # editors see no approve button
    queue = reviewer.get("/admin/review")
    assert "wage-late-test" in queue.text
    page = reviewer.get("/admin/entries/wage-late-test")
    published = reviewer.post("/admin/entries/wage-late-test/approve", {"version": version_on(page)})
    assert published.status_code == 200 and "已发布" in published.text


def test_nobody_approves_their_own_draft(staff):
    boss = staff("admin")
    boss.get("/admin/entries/new")
    page = boss.post("/admin/entries/new", editor_form())
    page = boss.post("/admin/entries/wage-late-test/submit", {"version": version_on(page)})
    refused = boss.post("/admin/entries/wage-late-test/approve", {"version": version_on(page)})
    assert refused.status_code == 403
    assert "不能审核通过自己撰写或提交的草稿" in refused.text


def test_reject_needs_a_comment_and_shows_it_to_the_editor(staff):
    editor, reviewer = staff("editor"), staff("reviewer")
    editor.get("/admin/entries/new")
    page = editor.post("/admin/entries/new", editor_form())
    editor.post("/admin/entries/wage-late-test/submit", {"version": version_on(page)})
    page = reviewer.get("/admin/entries/wage-late-test")
    empty = reviewer.post(
        "/admin/entries/wage-late-test/reject", {"version": version_on(page), "comment": " ", "confirm": "1"}
    )
    assert empty.status_code == 422 and "退回时必须填写修改意见" in empty.text
    reviewer.post(
        "/admin/entries/wage-late-test/reject",
        {"version": version_on(page), "comment": "请补充仲裁时效", "confirm": "1"},
    )
    assert "请补充仲裁时效" in editor.get("/admin/entries/wage-late-test").text


def test_a_stale_save_shows_the_conflict_and_keeps_the_typed_text(staff):
    first, second = staff("editor"), staff("editor2")
    first.get("/admin/entries/new")
    first.post("/admin/entries/new", editor_form())
    stale = version_on(second.get("/admin/entries/wage-late-test"))
    version_on(first.get("/admin/entries/wage-late-test"))
    first.post("/admin/entries/wage-late-test", {**editor_form(title="第一位编辑改的标题"), "version": stale})
    assert "已保存为新版本" in first.page.text
    conflict = second.post(
        "/admin/entries/wage-late-test", {**editor_form(title="第二位编辑改的标题"), "version": stale}
    )
    assert conflict.status_code == 409
    assert "保存冲突" in conflict.text
    assert 'value="第二位编辑改的标题"' in conflict.text  # the typed text is back in the form
    assert "第一位编辑改的标题" in conflict.text  # beside what the other person saved
    retried = second.post(
        "/admin/entries/wage-late-test",
        {**editor_form(title="第二位编辑合并后的标题"), "version": version_on(conflict)},
    )
    assert retried.status_code == 200 and "已保存为新版本" in retried.text


def ticked(html: str) -> dict[str, str]:
    """The bulk-publish checkboxes of a list page: entry id → the value a browser sends (``slug:version``)."""
    return {
        value.split(":")[0]: value for value in re.findall(r'name="entry" value="([^"]+)" form="bulk-publish"', html)
    }


def test_a_reviewer_publishes_ticked_entries_in_one_go_each_checked_on_its_own(staff):
    editor, boss = staff("editor"), staff("admin")
    for number, author in enumerate((editor, editor, boss, editor)):
        entry_id = f"wage-late-{number}"
        questions = "\n".join(f"{q}（{number}）" for q in editor_form()["questions"].split("\n"))
        author.get("/admin/entries/new")
        page = author.post(
            "/admin/entries/new", editor_form(entry_id, title=f"发工资拖到月底（{number}）", questions=questions)
        )
        author.post(f"/admin/entries/{entry_id}/submit", {"version": version_on(page)})
    assert ticked(editor.get("/admin/review").text) == {}  # editors cannot publish: no boxes
    boxes = ticked(boss.get("/admin/review").text)
    assert sorted(boxes) == [f"wage-late-{number}" for number in range(4)]
    stale = boxes["wage-late-3"].replace(":", ":9")  # as if someone changed it after the page was shown
    page = boss.post(
        "/admin/review/publish", {"entry": [boxes["wage-late-0"], boxes["wage-late-1"], boxes["wage-late-2"], stale]}
    )
    assert page.status_code == 200
    published, refused = (
        re.search(rf'<ul class="{name}">(.*?)</ul>', page.text, re.S)[1] for name in ("published", "refused")
    )
    assert "已发布 2 条" in page.text and "未发布 2 条" in page.text
    assert "wage-late-0" in published and "wage-late-1" in published and "wage-late-2" not in published
    assert "wage-late-2</span>：不能审核通过自己撰写或提交的草稿" in refused  # four eyes, entry by entry
    assert "wage-late-3</span>：" in refused and "wage-late-3" not in published
    states = {
        entry_id: state
        for entry_id, state in re.findall(
            r'/admin/entries/([\w-]+)">[^<]*</a>\s*<span class="state state-(\w+)"',
            boss.get("/admin/entries?q=发工资拖到月底").text,
        )
    }
    assert states == {
        "wage-late-0": "published",
        "wage-late-1": "published",
        "wage-late-2": "in_review",
        "wage-late-3": "in_review",
    }
    assert editor.post("/admin/review/publish", {"entry": [boxes["wage-late-3"]]}).status_code == 403


def diff_lines(html: str) -> list[str]:
    """The text of each line of the diff page, highlighting removed."""
    return [re.sub("</?mark>", "", text) for _, text in re.findall(r'<(ins|del|span) role="cell">(.*?)</\1>', html)]


def test_history_diff_highlights_the_change_between_any_two_versions(staff):
    editor = staff("editor")
    editor.get("/admin/entries/new")
    page = editor.post("/admin/entries/new", editor_form())
    page = editor.post(
        "/admin/entries/wage-late-test", {**editor_form(title="拖到月底发工资合法吗"), "version": version_on(page)}
    )
    editor.post(
        "/admin/entries/wage-late-test",
        {**editor_form(tags="拖欠工资", next_steps="拨打12333投诉\n申请劳动仲裁"), "version": version_on(page)},
    )
    assert 'name="first" value="3"' in editor.page.text
    diff = editor.get("/admin/entries/wage-late-test/diff?first=1&second=2")
    deleted, added = (re.search(rf'<{tag} role="cell">(标题: .*?)</{tag}>', diff.text)[1] for tag in ("del", "ins"))
    assert deleted == "标题: <mark>发工资总是</mark>拖到月底合法吗"  # only the changed characters are marked
    assert re.sub("</?mark>", "", added) == "标题: 拖到月底发工资合法吗" and "<mark>发工资</mark>" in added
    page = editor.get("/admin/entries/wage-late-test/diff?first=2&second=3").text
    assert "- 发薪日</del>" in page and "- 申请劳动仲裁</ins>" in page
    keys = {match[1] for line in diff_lines(page) if (match := re.match(r"\s*(?:- )?([^\s:]+):", line))}
    assert {"编号", "栏目", "领域", "标题", "用户问法", "引文", "下一步", "标签", "解答"} <= keys, keys
    assert not [key for key in keys if key.isascii()]  # no English YAML key is shown to staff
    assert editor.get("/admin/entries/wage-late-test/diff?first=1&second=9").status_code == 404


def test_the_side_by_side_diff_faces_each_changed_line_with_its_replacement_escaped(staff):
    editor = staff("editor")
    editor.get("/admin/entries/new")
    page = editor.post("/admin/entries/new", editor_form())
    editor.post(
        "/admin/entries/wage-late-test",
        {**editor_form(title="拖到月底<b>发工资</b>合法吗", tags="拖欠工资"), "version": version_on(page)},
    )
    inline = editor.get("/admin/entries/wage-late-test/diff?first=1&second=2")
    assert 'href="/admin/entries/wage-late-test/diff?first=1&amp;second=2&amp;view=side">并排</a>' in inline.text
    side = editor.get("/admin/entries/wage-late-test/diff?first=1&second=2&view=side").text
    table = re.search(r'<table class="diff side-by-side".*?</table>', side, re.S)[0]
    assert re.findall(r'<th scope="col">(.*?)</th>', table) == ["版本 1", "版本 2"]
    rows = re.findall(r"<tr( class=\"same\")?>(.*?)</tr>", table.split("<tbody>")[1], re.S)
    cells = [re.findall(r'<td class="(\w+)">', row) for _, row in rows]
    title = next(row for _, row in rows if "标题: " in row and "<del>" in row)
    old, new = re.findall(r"<td class=\"\w+\"><(?:del|ins)>(.*?)</(?:del|ins)></td>", title)
    assert re.sub("</?mark>", "", old) == "标题: 发工资总是拖到月底合法吗"
    assert re.sub("</?mark>", "", new) == "标题: 拖到月底&lt;b&gt;发工资&lt;/b&gt;合法吗" and "<b>" not in table
    assert ["delete", "empty"] in cells  # the removed tag faces nothing
    assert all(kinds == ["context", "context"] for (same, _), kinds in zip(rows, cells) if same)
    assert 'name="view" value="side"' in side  # comparing other versions stays side by side


def account_id(html: str, username: str) -> str:
    """The id in the role form of ``username``'s row on the accounts page."""
    return re.search(rf'action="/admin/accounts/(\d+)/role"[^>]*>\s*<input[^>]*>\s*<label[^>]*>{username} ', html)[1]


def test_admin_creates_accounts_and_changes_roles_and_the_audit_log_records_it(staff):
    boss = staff("admin")
    boss.get("/admin/accounts")
    short = boss.post("/admin/accounts", {"username": "newbie", "password": "short", "role": "editor"})
    assert short.status_code == 422 and "密码至少需要 8 个字符" in short.text and 'value="newbie"' in short.text
    boss.post("/admin/accounts", {"username": "newbie", "password": PASSWORD, "role": "editor"})
    assert "账号已创建" in boss.page.text
    boss.post(f"/admin/accounts/{account_id(boss.page.text, 'newbie')}/role", {"role": "reviewer"})
    assert "角色已修改" in boss.page.text
    assert staff("newbie").get("/admin/review").status_code == 200
    refused = boss.post(f"/admin/accounts/{account_id(boss.page.text, 'admin')}/role", {"role": "editor"})
    assert refused.status_code == 409
    audit = boss.get("/admin/audit?target=newbie").text
    assert "创建账号" in audit and "修改角色" in audit and "admin" in audit


def test_sign_out_ends_the_session(staff):
    editor = staff("editor")
    editor.get("/admin/entries")
    editor.post("/admin/logout", {})
    assert "您已退出登录" in editor.page.text
    assert editor.client.get("/admin/entries", follow_redirects=False).status_code == 303


def test_admin_errors_are_chinese_pages_while_the_json_api_keeps_json(app, staff):
    editor = staff("editor")
    missing = editor.get("/admin/no-such-page")
    assert missing.status_code == 404 and "找不到这个页面" in missing.text
    assert editor.get("/admin/entries/no-such-entry").status_code == 404 and "不存在" in editor.page.text
    editor.get("/admin/entries/wage-unpaid-basic")
    malformed = editor.post("/admin/entries/wage-unpaid-basic", {"version": "abc"})
    assert malformed.status_code == 422 and "表单不完整或格式不对" in malformed.text
    api = TestClient(app).get("/api/curation/entries")
    assert api.status_code == 401 and api.json() == {"detail": "请先登录"}
    assert TestClient(app).get("/api/no-such-route").json() == {"detail": "Not Found"}


def test_validation_problems_are_plain_chinese_and_three_questions_are_needed_to_submit(staff):
    editor = staff("editor")
    editor.get("/admin/entries/new")
    bad = editor.post("/admin/entries/new", editor_form(id="Wage Late", title="拖", questions=""))
    assert bad.status_code == 422
    for reason in ("「编号」只能用小写字母", "「标题」至少需要 2 个字", "「用户问法」不能为空"):
        assert reason in bad.text
    assert not re.search(r"Field required|Input should|String should|Value error", bad.text)
    assert "居民常见问题必须填写「解答」" in editor.post("/admin/entries/new", editor_form(answer="")).text
    two = editor_form(questions="老板发工资总是拖到下个月月底合法吗\n工资每次都晚发半个月算不算拖欠")
    page = editor.post("/admin/entries/new", two)
    assert page.status_code == 200 and "草稿已创建" in page.text  # a draft may still be short of questions
    refused = editor.post("/admin/entries/wage-late-test/submit", {"version": version_on(page)})
    assert refused.status_code == 422 and "「用户问法」至少需要 3 条（现有 2 条）" in refused.text
    page = editor.post("/admin/entries/wage-late-test", {**editor_form(), "version": version_on(refused)})
    submitted = editor.post("/admin/entries/wage-late-test/submit", {"version": version_on(page)})
    assert submitted.status_code == 200 and "已提交审核" in submitted.text


def test_the_entry_list_shows_fifty_a_page_and_the_links_keep_the_filters(staff):
    entries = load_knowledge_base().entries
    editor = staff("editor")
    first = editor.get("/admin/entries")
    pages = -(-len(entries) // PAGE_SIZE)
    assert len(listed_ids(first.text)) == PAGE_SIZE and f"共 {len(entries)} 条，第 1 / {pages} 页" in first.text
    assert "上一页" not in first.text and next_link(first.text) == "/admin/entries?page=2"
    seen = []
    url = "/admin/entries"
    while url:
        page = editor.get(url)
        seen += listed_ids(page.text)
        url = next_link(page.text)
    assert sorted(seen) == sorted(entry.id for entry in entries)  # every entry exactly once
    assert 'rel="prev">上一页</a>' in page.text and f"第 {pages} / {pages} 页" in page.text
    assert listed_ids(editor.get("/admin/entries?page=999").text) == listed_ids(page.text)  # past the end: last page

    matching = sorted(e.id for e in entries if e.area.value == "enterprise_risk" and "员工" in searched_words(e))
    assert len(matching) > PAGE_SIZE
    filtered = editor.get("/admin/entries?area=enterprise_risk&q=员工&state=published")
    assert next_link(filtered.text) == "/admin/entries?q=%E5%91%98%E5%B7%A5&state=published&area=enterprise_risk&page=2"
    second = editor.get(next_link(filtered.text))
    previous = 'href="/admin/entries?q=%E5%91%98%E5%B7%A5&amp;state=published&amp;area=enterprise_risk" rel="prev"'
    assert previous in second.text
    rest = listed_everywhere(editor, next_link(second.text))  # any pages after the second
    assert sorted(listed_ids(filtered.text) + listed_ids(second.text) + rest) == matching
    assert editor.get("/admin/entries?page=abc").status_code == 422


def test_dates_show_in_beijing_time(app, staff):
    editor = staff("editor")
    editor.get("/admin/entries/new")
    editor.post("/admin/entries/new", editor_form())
    utc = datetime(2026, 11, 25, 7, 30, 5)  # stored as naive UTC
    with app.state.curation_db.session() as session:
        session.execute(update(EntryRow).where(EntryRow.slug == "wage-late-test").values(updated_at=utc))
        session.execute(update(AuditEvent).where(AuditEvent.target == "wage-late-test").values(at=utc))
        session.commit()
    assert "更新于 2026-11-25 15:30" in editor.get("/admin/entries?q=wage-late-test").text
    audit = editor.get("/admin/audit?target=wage-late-test").text
    assert re.search(r"<td>2026-11-25 15:30:05</td>\s*<td>editor</td>", audit)
    assert "UTC" not in editor.page.text


def audit_actions(html: str) -> list[str]:
    """The action column of the audit table."""
    return re.findall(r"<tr>\s*<td>[^<]*</td>\s*<td>[^<]*</td>\s*<td>([^<]*)</td>", html)


def test_every_audited_action_has_a_chinese_name(app, staff):
    editor, reviewer, boss = staff("editor"), staff("reviewer"), staff("admin")
    editor.get("/admin/entries/new")
    page = editor.post("/admin/entries/new", editor_form())
    page = editor.post("/admin/entries/wage-late-test", {**editor_form(tags="拖欠工资"), "version": version_on(page)})
    page = editor.post("/admin/entries/wage-late-test/submit", {"version": version_on(page)})
    page = reviewer.get("/admin/entries/wage-late-test")
    page = reviewer.post(
        "/admin/entries/wage-late-test/reject", {"version": version_on(page), "comment": "请补充", "confirm": "1"}
    )
    page = editor.post("/admin/entries/wage-late-test/submit", {"version": version_on(editor.get(page.url.path))})
    page = reviewer.post("/admin/entries/wage-late-test/approve", {"version": version_on(reviewer.get(page.url.path))})
    reviewer.post("/admin/entries/wage-late-test/archive", {"version": version_on(page), "confirm": "1"})
    boss.get("/admin/accounts")
    boss.post("/admin/accounts", {"username": "newbie", "password": PASSWORD, "role": "editor"})
    boss.post(f"/admin/accounts/{account_id(boss.page.text, 'newbie')}/role", {"role": "reviewer"})
    values = {
        "id": "wage-sheet-test",
        "collection": "faq",
        "area": "wage_arrears",
        "title": "表格导入的条目",
        "questions": "表格导入的问题一\n表格导入的问题二\n表格导入的问题三",
        "answer": ANSWER,
        "citations": "劳动法|第五十条|工资应当以货币形式按月支付给劳动者本人",
    }
    sheet = io.StringIO()
    csv.writer(sheet).writerows([[c.label for c in COLUMNS], [values.get(c.key, "") for c in COLUMNS]])
    editor.get("/admin/import")
    imported = editor.client.post(
        "/admin/import",
        data={"csrf_token": csrf_of(editor.page.text)},
        files={"file": ("entries.csv", sheet.getvalue().encode(), "text/csv")},
    )
    assert imported.status_code == 200, imported.text

    with app.state.curation_db.session() as session:
        written = set(session.scalars(select(AuditEvent.action)))
    assert written == {
        "seed",
        "create",
        "save",
        "submit",
        "reject",
        "publish",
        "archive",
        "create_user",
        "change_role",
        "import",
    }
    shown = audit_actions(boss.get("/admin/audit").text)
    assert set(shown) == {ACTION_NAMES[action] for action in written}
    assert not any(re.search("[a-z]", label) for label in shown)
    queue = {f"unanswered_{status.value}" for status in QueueStatus if status is not QueueStatus.OPEN}
    assert queue <= ACTION_NAMES.keys()  # written by api.curation.unanswered when staff resolve a question
