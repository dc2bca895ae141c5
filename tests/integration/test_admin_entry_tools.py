"""The editor's tools through TestClient: the statute picker's JSON, quotes checked against the article (with the
article shown when refused, also in the import report), near-duplicate warnings from the bot's retriever, generated
ids, buttons by role, confirmation of archive and reject, one version number, and the bot preview.

Every form is posted as a browser would submit it from the page just shown (``form_values``), so the hidden
near-duplicate and confirmation fields travel exactly as in a browser.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from api.admin.routes.entries import retriever_source
from api.curation.entry_ids import base_id
from knowledge_base.retrieval.pipeline import Retriever
from knowledge_base.store.models import EntryRow
from tests.helpers import LABELS, csrf_of, csv_bytes, form_values, new_row

NEW = "/admin/entries/new"
TITLE = "发工资总是拖到月底合法吗"
ANSWER = (
    "每个月的工资应当以货币形式按月支付给劳动者本人，发薪日一般写在劳动合同或单位的工资制度里。单位没有正当理由，总是拖过约定的"
    "发薪日才发，都属于拖欠工资，您可以要求单位按时足额支付。建议您保存劳动合同、工资条、银行流水和催要工资的聊天记录，先与单位"
    "书面沟通；沟通不成的，可以拨打12333投诉，或者申请劳动仲裁。"
)


@pytest.fixture
def no_retriever(app):
    """Near-duplicate checks without the retriever (only same-text matches in the database)."""
    app.dependency_overrides[retriever_source] = lambda: lambda: None


@pytest.fixture(scope="module")
def small_retriever(kb):
    """The bot's retriever over a few wage entries and guide items (a whole index takes minutes to build)."""
    wage = [entry for entry in kb.entries if entry.id.startswith("wage-")][:12]
    guide = [entry for entry in kb.entries if entry.collection.value == "guide"][:3]
    return Retriever(wage + guide, index_dir=None)


def filled(page_html: str, action: str = NEW, **changes) -> dict:
    """The editor form as shown, with a new wage entry typed in (one citation through the first row)."""
    form = form_values(page_html, action)
    form.update(
        {
            "area": ["wage_arrears"],
            "title": [TITLE],
            "questions": [
                "老板发工资总是拖到下个月月底合法吗\n工资每次都晚发半个月算不算拖欠\n公司发薪日一拖再拖怎么办"
            ],
            "answer": [ANSWER],
            "citation_law": ["劳动法"],
            "citation_article": ["50"],
            "citation_quote": ["工资应当以货币形式按月支付给劳动者本人"],
        }
    )
    form.update({name: value if isinstance(value, list) else [value] for name, value in changes.items()})
    return form


def slug_of(response) -> str:
    return response.url.path.rsplit("/", 1)[1]


def test_the_picker_finds_laws_by_short_or_full_name_and_articles_by_either_numeral(staff):
    editor = staff("editor")
    short = editor.client.get("/admin/statutes", params={"q": "劳动合同"}).json()
    assert short[0]["short_name"] == "劳动合同法" and short[0]["title"] == "中华人民共和国劳动合同法"
    full = editor.client.get("/admin/statutes", params={"q": "中华人民共和国劳动合同法"}).json()
    assert full[0]["short_name"] == "劳动合同法"
    alias = editor.client.get("/admin/statutes", params={"q": "劳动争议解释（一）"}).json()
    assert alias and "劳动争议案件" in alias[0]["title"]
    assert len(editor.client.get("/admin/statutes").json()) > 50  # every law for the editor's list

    arabic = editor.client.get("/admin/statutes/article", params={"law": "劳动法", "article": "50"}).json()
    chinese = editor.client.get(
        "/admin/statutes/article", params={"law": "中华人民共和国劳动法", "article": "第五十条"}
    )
    assert arabic == chinese.json() and arabic["article"] == "第五十条"
    assert arabic["text"].startswith("工资应当以货币形式按月支付给劳动者本人")
    missing = editor.client.get("/admin/statutes/article", params={"law": "劳动法", "article": "第九百条"})
    assert missing.status_code == 404 and "没有第九百条" in missing.json()["detail"]
    unknown = editor.client.get("/admin/statutes/article", params={"law": "不存在的法", "article": "1"})
    assert unknown.status_code == 404 and "不在法条库中" in unknown.json()["detail"]


def test_a_typed_quote_not_in_the_article_is_refused_with_the_article_text(app, staff, no_retriever):
    editor = staff("editor")
    typed = "工资应当用美元按月支付"
    refused = editor.post(NEW, filled(editor.get(NEW).text, citation_quote=[typed]))
    assert refused.status_code == 422 and "法条引用无法核实" in refused.text
    assert f"您填写的引文“{typed}”不在《劳动法》第五十条中" in refused.text
    shown = re.search(
        r'<div class="misquoted">.*?<blockquote class="article-text">(.*?)</blockquote>', refused.text, re.S
    )
    assert shown and shown[1].startswith("工资应当以货币形式按月支付给劳动者本人")
    assert form_values(refused.text, NEW)["citation_quote"][0] == typed  # what was typed is kept
    with app.state.curation_db.session() as session:
        assert session.scalar(select(EntryRow).where(EntryRow.data["title"].as_string() == TITLE)) is None


def test_a_quote_taken_from_the_picker_is_saved(app, staff, no_retriever):
    editor = staff("editor")
    article = editor.client.get("/admin/statutes/article", params={"law": "劳动合同法", "article": "三十"}).json()
    quote = "".join(article["text"].split())[:30]  # what selecting the first words of the shown article gives
    form = filled(editor.get(NEW).text, citation_law=[article["short_name"]], citation_article=[article["article"]])
    created = editor.post(NEW, {**form, "citation_quote": [quote]})
    assert created.status_code == 200 and "草稿已创建" in created.text
    with app.state.curation_db.session() as session:
        row = session.scalar(select(EntryRow).where(EntryRow.slug == slug_of(created)))
        assert row.data["citations"] == [{"law": "劳动合同法", "article": "第三十条", "quote": quote}]


def test_ids_are_made_from_the_area_and_title_with_a_suffix_when_taken(staff, no_retriever):
    assert base_id("wage_arrears", TITLE) == "wage-fa-gong-zi-zong-shi-tuo-dao-yue"
    assert base_id("enterprise_risk", "合同2024版") == "guide-he-tong-2024-ban"
    editor = staff("editor")
    assert 'name="id"' not in editor.get(NEW).text  # nobody types an id
    first = editor.post(NEW, filled(editor.page.text))
    assert (
        slug_of(first) == "wage-fa-gong-zi-zong-shi-tuo-dao-yue"
        and "编号 wage-fa-gong-zi-zong-shi-tuo-dao-yue" in first.text
    )
    editor.get(NEW)
    other_questions = "月底才发工资怎么办\n工资总是月底才给\n发薪日推到月底合法吗"
    warned = editor.post(NEW, filled(editor.page.text, questions=[other_questions]))
    assert warned.status_code == 409  # same title as the first: a near duplicate, confirmed by a second click
    second = editor.post(NEW, form_values(warned.text, NEW))
    assert slug_of(second) == "wage-fa-gong-zi-zong-shi-tuo-dao-yue-2"


def test_a_copied_question_is_warned_about_with_a_link_and_a_second_submit_saves(app, staff, no_retriever):
    with app.state.curation_db.session() as session:
        existing = session.scalar(select(EntryRow).where(EntryRow.slug == "wage-unpaid-basic"))
        copied, title = existing.data["questions"][1], existing.data["title"]
    editor = staff("editor")
    questions = f"{copied}\n工资每次都晚发半个月算不算拖欠\n公司发薪日一拖再拖怎么办"
    warned = editor.post(NEW, filled(editor.get(NEW).text, questions=[questions]))
    assert warned.status_code == 409 and "已有相近的条目" in warned.text
    assert f'<a href="/admin/entries/wage-unpaid-basic" target="_blank" rel="noopener">{title}</a>' in warned.text
    assert f"您的“{copied}”" in warned.text and "相似度 100%" in warned.text
    form = form_values(warned.text, NEW)
    assert form["questions"] == [questions] and form["duplicates_ack"][0]  # typed text kept, confirm field set
    saved = editor.post(NEW, form)
    assert saved.status_code == 200 and "草稿已创建" in saved.text

    changed = form_values(saved.text, saved.url.path)  # saving again with the same questions warns no more
    assert editor.post(saved.url.path, {**changed, "tags": ["拖欠工资"]}).status_code == 200
    assert "已保存为新版本" in editor.page.text


def test_the_bots_retriever_finds_a_reworded_question(app, staff, small_retriever):
    app.dependency_overrides[retriever_source] = lambda: lambda: small_retriever
    served = small_retriever.entry("wage-unpaid-basic") or next(
        iter(small_retriever.collections["faq"].entries.values())
    )
    asked = served.questions[0] + "呢"  # not the same text, so only the retriever can find it
    editor = staff("editor")
    questions = f"{asked}\n工资每次都晚发半个月算不算拖欠\n公司发薪日一拖再拖怎么办"
    warned = editor.post(NEW, filled(editor.get(NEW).text, title=["一个全新的标题"], questions=[questions]))
    assert warned.status_code == 409 and f'href="/admin/entries/{served.id}"' in warned.text
    assert editor.post(NEW, form_values(warned.text, NEW)).status_code == 200


def test_buttons_follow_the_role(staff):
    reviewer, editor = staff("reviewer"), staff("editor")
    assert "新建条目" not in reviewer.get("/admin/entries").text
    assert reviewer.get(NEW).status_code == 403 and "需要编辑、管理员权限" in reviewer.page.text
    assert "新建条目" in editor.get("/admin/entries").text
    published = editor.get("/admin/entries/wage-unpaid-basic").text
    assert "归档（机器人停止使用）" not in published and "审核通过并发布" not in published
    assert "保存为新版本" in published
    page = reviewer.get("/admin/entries/wage-unpaid-basic").text
    assert "归档（机器人停止使用）" in page and "保存为新版本" not in page


def test_archive_and_reject_ask_for_confirmation(app, staff, no_retriever):
    reviewer = staff("reviewer")
    action = "/admin/entries/wage-unpaid-basic/archive"
    form = form_values(reviewer.get("/admin/entries/wage-unpaid-basic").text, action)
    asked = reviewer.post(action, form)
    assert asked.status_code == 200 and "确认归档" in asked.text and "已发布" in asked.text
    confirmed = reviewer.post(action, form_values(asked.text, action) | {"confirm": ["1"]})
    assert "已归档，机器人不再使用该条目" in confirmed.text

    editor = staff("editor")
    created = editor.post(NEW, filled(editor.get(NEW).text))
    slug = slug_of(created)
    editor.post(f"/admin/entries/{slug}/submit", form_values(created.text, f"/admin/entries/{slug}/submit"))
    reject = f"/admin/entries/{slug}/reject"
    page = reviewer.get(f"/admin/entries/{slug}")
    asked = reviewer.post(reject, {**form_values(page.text, reject), "comment": ["请补充仲裁时效"]})
    assert "确认退回" in asked.text and "请补充仲裁时效" in asked.text and "审核中" in asked.text
    confirmed = reviewer.post(reject, form_values(asked.text, reject))
    assert "已退回给编辑" in confirmed.text and "请补充仲裁时效" in confirmed.text


def test_the_entry_page_and_the_history_show_the_same_version_and_a_preview(staff, no_retriever):
    editor = staff("editor")
    created = editor.post(NEW, filled(editor.get(NEW).text))
    slug = slug_of(created)
    saved = editor.post(
        f"/admin/entries/{slug}", {**form_values(created.text, f"/admin/entries/{slug}"), "tags": ["x"]}
    )
    submitted = editor.post(f"/admin/entries/{slug}/submit", form_values(saved.text, f"/admin/entries/{slug}/submit"))
    numbers = [int(n) for n in re.findall(r'name="second" value="(\d+)"', submitted.text)]
    assert max(numbers) == 2 and "当前版本 2 ·" in submitted.text  # submitting changed the lock, not the version
    web = re.search(r'<h3>网页聊天</h3><pre class="bubble">(.*?)</pre>', submitted.text, re.S)[1]
    assert web.startswith(f"【{TITLE}】") and "法律依据：" in web and "《劳动法》第五十条" in web
    wechat = re.findall(r'<pre class="bubble wechat">(.*?)</pre>', submitted.text, re.S)
    assert wechat and "依据：《劳动法》第五十条" in wechat[-1]


def test_the_import_report_shows_the_article_of_a_refused_quote(staff):
    editor = staff("editor")
    editor.get("/admin/import")
    sheet = csv_bytes([LABELS, new_row("wage-import-quote", citations="劳动合同法|第三十条|按月用美元支付工资")])
    report = editor.client.post(
        "/admin/import", files={"file": ("q.csv", sheet, "text/csv")}, data={"csrf_token": csrf_of(editor.page.text)}
    )
    assert report.status_code == 422 and "不在《劳动合同法》第三十条中" in report.text
    assert "《劳动合同法》第三十条原文" in report.text
    assert re.search(r'<blockquote class="article-text">用人单位应当按照劳动合同约定', report.text)
