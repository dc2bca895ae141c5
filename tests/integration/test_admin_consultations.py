"""The consultation staff pages /admin/consultations through TestClient: create (Markdown and .docx), publish,
close, handle comments, publish feedback, export, the printable summary; roles and CSRF. Residents' comments come through the store."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import docx
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select

from api.curation import workflow
from knowledge_base.store import consultations as store
from knowledge_base.store.models import AuditEvent, EntryRow
from tests.helpers import PASSWORD

URL = "/admin/consultations"
DRAFT = """# 某市游泳场所卫生管理办法（征求意见稿）
## 第一章 总则
第一条 为了保障游泳者健康，制定本办法。
第二条 本办法适用于本市行政区域内的游泳场所。
## 第二章 卫生要求
第三条 游泳场所应当每日检测水质。
第三条之一 检测结果应当在入口处公示。
"""


def form(**changes) -> dict:
    today = store.beijing_today()
    values = {
        "title": "",
        "issuer": "某市司法局",
        "summary": "游泳场所要每天测水质并公示结果。",
        "opens_on": today.isoformat(),
        "closes_on": (today + timedelta(days=14)).isoformat(),
        "draft_text": DRAFT,
        "questions": "单选｜您是否赞成每日公示水质？｜赞成、不赞成\n多选｜您最关心哪些方面？｜水质、安全、价格\n填空｜其他建议",
        "events": "座谈会｜2030-01-05 09:30｜区司法局三楼会议室｜2",
    }
    return {**values, **changes}


def created_id(response) -> int:
    return int(re.search(r"/admin/consultations/(\d+)", str(response.url))[1])


def consultation(app, consultation_id: int):
    session = app.state.curation_db.session()
    return session, store.get_consultation(session, consultation_id)


def test_the_pages_need_sign_in_and_editors_only_read(app, staff):
    response = TestClient(app).get(URL, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/admin/login?next=")
    editor = staff("editor")
    page = editor.get(URL)
    assert page.status_code == 200 and "立法意见征集" in page.text and "新建征求意见" not in page.text
    assert 'href="/admin/consultations" aria-current="page"' in page.text
    assert editor.get(f"{URL}/new").status_code == 403


def test_a_reviewer_creates_publishes_handles_and_exports(app, staff):
    reviewer = staff("reviewer")
    reviewer.get(f"{URL}/new")
    response = reviewer.post(URL, form())
    assert response.status_code == 200 and "征求意见项目已创建" in response.text
    consultation_id = created_id(response)
    assert "某市游泳场所卫生管理办法（征求意见稿）" in response.text and "第三条之一" in response.text
    session, item = consultation(app, consultation_id)
    assert item.state == "draft" and [a.label for a in item.articles][-1] == "第三条之一"
    assert [q.kind for q in item.questions] == ["single", "multiple", "text"] and item.events[0].capacity == 2
    session.close()

    response = reviewer.post(f"{URL}/{consultation_id}/publish", {})
    assert "已发布" in response.text and f'href="/consult/{consultation_id}"' in response.text

    session, item = consultation(app, consultation_id)
    comment, _ = store.add_comment(
        session, item, sender="s1", channel="web", message_id="m1", text="=HYPERLINK(1)", article_id=item.articles[3].id
    )
    store.add_comment(session, item, sender="s2", channel="web", message_id="m2", text="整体赞成。")
    store.save_answers(session, item, sender="s1", channel="web", answers={str(item.questions[0].id): "赞成"})
    store.sign_up(session, item, item.events[0].id, sender="s1", channel="web", name="张先生", contact="13912345678")
    session.commit()
    comment_id = comment.id
    session.close()

    page = reviewer.get(f"{URL}/{consultation_id}")
    assert (
        "第三条之一（1 条意见）" in page.text
        and "整体意见（1 条意见）" in page.text
        and "第一条（0 条意见）" in page.text
    )
    assert "张先生" in page.text and "剩余 1" in page.text and "1 人作答" in page.text

    refused = reviewer.post(f"{URL}/{consultation_id}/comments/{comment_id}", {"handling": "not_adopted", "reason": ""})
    assert refused.status_code == 422 and "理由" in refused.text
    reviewer.get(f"{URL}/{consultation_id}")
    done = reviewer.post(f"{URL}/{consultation_id}/comments/{comment_id}", {"handling": "adopted", "reason": "已修改"})
    assert done.status_code == 200 and "处理结果已保存" in done.text
    done = reviewer.post(f"{URL}/{consultation_id}/feedback", {"feedback": "共收到2条意见，采纳1条。"})
    assert "反馈说明已发布" in done.text

    workbook = load_workbook(io.BytesIO(reviewer.client.get(f"{URL}/{consultation_id}/export.xlsx").content))
    assert workbook.sheetnames == ["整体意见", "第一条", "第二条", "第三条", "第三条之一", "问卷", "报名"]
    assert workbook["第三条之一"].max_row == 2 and workbook["第一条"].max_row == 1
    cell = workbook["第三条之一"]["D2"]
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s" and cell.quotePrefix
    assert workbook["第三条之一"]["F2"].value == "采纳"
    assert "13912345678" not in str([c.value for c in workbook["报名"][2]])  # contacts leave the pages masked
    assert "139****5678" in [c.value for c in workbook["报名"][2]]
    assert workbook["问卷"].max_row == 2 and workbook["报名"].max_row == 2

    printed = reviewer.get(f"{URL}/{consultation_id}/summary")
    assert printed.status_code == 200 and "征求意见汇总" in printed.text and "收到意见 2 条" in printed.text
    handled = re.search(r"<tbody><tr>(.*?)</tr></tbody>", printed.text)[1]
    assert re.findall(r"<td>(\d+)</td>", handled) == ["1", "0", "0", "1"]  # 采纳, 部分采纳, 未采纳, 未处理
    assert "<svg" in printed.text and "第三条之一" in printed.text and "1 人作答" in printed.text
    assert "处理：采纳（已修改）" in printed.text and "=HYPERLINK(1)" in printed.text
    assert "张先生" not in printed.text and "139" not in printed.text  # the printout names no one
    assert 'src="/admin/static/print.js"' in printed.text and "<script>" not in printed.text

    assert "已截止" in reviewer.post(f"{URL}/{consultation_id}/close", {}).text
    with app.state.curation_db.session() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.target == f"consultation/{consultation_id}")
        ).all()
    assert actions == [
        "consultation_create",
        "consultation_publish",
        "consultation_handle",
        "consultation_feedback",
        "consultation_close",
    ]


def test_an_admin_grants_the_legislation_role_which_manages_consultations_but_not_entries(app, staff):
    admin = staff("admin")
    admin.get("/admin/accounts")
    assert '<option value="legislation">立法专员</option>' in admin.page.text
    admin.post("/admin/accounts", {"username": "lawmaker", "password": PASSWORD, "role": "legislation"})
    assert "账号已创建" in admin.page.text
    lawmaker = staff("lawmaker")

    page = lawmaker.get(URL)
    assert "新建征求意见" in page.text
    lawmaker.get(f"{URL}/new")
    consultation_id = created_id(lawmaker.post(URL, form()))
    assert "已发布" in lawmaker.post(f"{URL}/{consultation_id}/publish", {}).text
    assert "已截止" in lawmaker.post(f"{URL}/{consultation_id}/close", {}).text

    assert lawmaker.get("/admin/entries/new").status_code == 403  # no entries: neither writing …
    with app.state.curation_db.session() as session:
        row = session.scalars(select(EntryRow).order_by(EntryRow.slug)).first()
        slug, version = row.slug, workflow.content_version(row)
    lawmaker.get(f"/admin/entries/{slug}")
    refused = lawmaker.post(f"/admin/entries/{slug}/approve", {"version": version, "confirm": "1"})
    assert refused.status_code == 403 and "审核员" in refused.text  # … nor publishing
    assert lawmaker.get("/admin/accounts").status_code == 403


def test_a_docx_upload_creates_the_articles(app, staff):
    document = docx.Document()
    document.add_paragraph("某区物业管理办法（征求意见稿）", style="Title")
    document.add_paragraph("第一条 甲。")
    document.add_paragraph("第一条之一 乙。")
    buffer = io.BytesIO()
    document.save(buffer)
    admin = staff("admin")
    page = admin.get(f"{URL}/new")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
    data = {**form(draft_text=""), "csrf_token": token}
    response = admin.client.post(URL, data=data, files={"draft_file": ("draft.docx", buffer.getvalue())})
    assert response.status_code == 200, response.text
    session, item = consultation(app, created_id(response))
    assert item.title == "某区物业管理办法（征求意见稿）" and [a.label for a in item.articles] == [
        "第一条",
        "第一条之一",
    ]
    session.close()


def test_bad_input_is_shown_again_with_a_chinese_message(app, staff):
    reviewer = staff("reviewer")
    reviewer.get(f"{URL}/new")
    response = reviewer.post(URL, form(draft_text="没有条号的文字", issuer="某市司法局"))
    assert response.status_code == 422 and "没有找到条文" in response.text and "没有条号的文字" in response.text
    response = reviewer.post(URL, form(questions="单选｜只有一个选项｜是"))
    assert response.status_code == 422 and "至少要有两个选项" in response.text
    response = reviewer.post(URL, form(events="座谈会｜明天｜会议室｜10"))
    assert response.status_code == 422 and "活动第1行格式不对" in response.text


def test_a_post_without_the_form_token_is_refused(app, staff):
    reviewer = staff("reviewer")
    response = reviewer.client.post(URL, data=form())
    assert response.status_code == 403
