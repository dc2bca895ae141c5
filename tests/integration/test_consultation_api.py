"""Residents' consultation page and JSON API (/consult/<id>, /api/consultations) on a test database: drafts hidden,
comments masked and idempotent, length and rate limits, consent, questionnaire, sign-ups, feedback, closing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.routers import consultations as consultations_router
from api.routers import web
from knowledge_base.drafts import parse_markdown
from knowledge_base.store import consultations as store
from knowledge_base.store.models import User
from tests.unit.api.test_security_headers_unit import InlineCode

DRAFT = "# 某市游泳场所卫生管理办法（征求意见稿）\n## 第一章 总则\n第一条 甲。\n第一条之一 乙。\n第二条 丙。"


@pytest.fixture
def public(database):
    app = FastAPI()
    app.include_router(consultations_router.router)
    app.state.curation_db = database
    return TestClient(app)


def make(database, publish: bool = True) -> int:
    with database.session() as session:
        actor = session.scalars(select(User).where(User.username == "reviewer")).one()
        today = store.beijing_today()
        consultation = store.create_consultation(
            session,
            actor,
            title="",
            issuer="某市司法局",
            summary="游泳场所要每天测水质。",
            opens_on=today,
            closes_on=today + timedelta(days=7),
            draft=parse_markdown(DRAFT),
            questions=[
                store.QuestionSpec("single", "是否赞成？", ["赞成", "反对"]),
                store.QuestionSpec("text", "建议", []),
            ],
            events=[store.EventSpec("座谈会", datetime(2030, 1, 5, 9, 30), "区司法局会议室", 1)],
        )
        if publish:
            store.publish(session, actor, consultation)
        session.commit()
        return consultation.id


def comment(public, consultation_id, message_id="msg-00000001", sender="web-abc", **changes):
    body = {"sender": sender, "message_id": message_id, "text": "建议公示检测结果。", **changes}
    return public.post(f"/api/consultations/{consultation_id}/comments", json=body)


def test_the_page_and_the_list_show_published_consultations_only(public, database):
    hidden, shown = make(database, publish=False), make(database)
    assert public.get(f"/api/consultations/{hidden}").status_code == 404
    assert [item["id"] for item in public.get("/api/consultations").json()] == [shown]
    page = public.get(f"/consult/{shown}")
    assert page.status_code == 200 and '<script type="module" src="/static/consult.js">' in page.text
    detail = public.get(f"/api/consultations/{shown}").json()
    assert detail["title"] == "某市游泳场所卫生管理办法（征求意见稿）" and detail["accepting"]
    assert [a["label"] for a in detail["articles"]] == ["第一条", "第一条之一", "第二条"]
    assert detail["events"][0]["left"] == 1 and detail["mine"] == []
    assert (web.STATIC_DIR / "consult.js").exists()
    inline = InlineCode()
    inline.feed(page.text)
    assert inline.found == []  # the strict CSP serves it


def test_a_comment_is_masked_stored_once_and_shown_under_my_opinions(public, database):
    consultation_id = make(database)
    article_id = public.get(f"/api/consultations/{consultation_id}").json()["articles"][1]["id"]
    text = "我的电话13812345678，身份证320402199001011234，建议公示。"
    first = comment(public, consultation_id, text=text, article_id=article_id)
    again = comment(public, consultation_id, text=text, article_id=article_id)
    assert first.status_code == 200 and "感谢您的意见" in first.json()["message"]
    assert again.status_code == 200 and "不会重复提交" in again.json()["message"]
    with database.session() as session:
        stored = session.scalars(select(store.ConsultationComment)).one()
        assert "13812345678" not in stored.text and "138****5678" in stored.text and "[身份证号]" in stored.text
        assert stored.sender != "web-abc" and stored.contact is None
    mine = public.get(f"/api/consultations/{consultation_id}", params={"sender": "web-abc"}).json()["mine"]
    assert [(m["article"], m["handling"]) for m in mine] == [("第一条之一", None)]
    assert public.get(f"/api/consultations/{consultation_id}", params={"sender": "web-other"}).json()["mine"] == []


def test_limits_and_consent_are_refused_politely(public, database):
    consultation_id = make(database)
    too_long = comment(public, consultation_id, text="长" * 1001)
    assert too_long.status_code == 422 and "超过了1000字" in too_long.json()["detail"]
    no_consent = comment(public, consultation_id, "msg-00000002", contact="微信 abc")
    assert no_consent.status_code == 422 and "勾选同意" in no_consent.json()["detail"]
    with_consent = comment(public, consultation_id, "msg-00000003", contact="微信 abc", consent=True)
    assert with_consent.status_code == 200
    for number in range(store.RATE_LIMIT - 1):
        assert comment(public, consultation_id, f"msg-rate-{number:04d}").status_code == 200
    limited = comment(public, consultation_id, "msg-rate-last")
    assert limited.status_code == 429 and "频繁" in limited.json()["detail"]


def test_questionnaire_signup_feedback_and_closing(public, database):
    consultation_id = make(database)
    detail = public.get(f"/api/consultations/{consultation_id}").json()
    single, free = (str(q["id"]) for q in detail["questions"])
    url = f"/api/consultations/{consultation_id}"
    assert public.put(f"{url}/answers", json={"sender": "web-abc", "answers": {single: "赞成"}}).status_code == 200
    saved = public.put(
        f"{url}/answers", json={"sender": "web-abc", "answers": {single: "反对", free: "电话13812345678"}}
    )
    assert saved.status_code == 200 and "截止前都可以修改" in saved.json()["message"]
    mine = public.get(url, params={"sender": "web-abc"}).json()["my_answers"]
    assert mine == {single: "反对", free: "电话138****5678"}
    event_id = detail["events"][0]["id"]
    signup = {"sender": "web-abc", "event_id": event_id, "name": "张先生", "contact": "13812345678", "consent": True}
    assert public.post(f"{url}/signups", json=signup).status_code == 200
    full = public.post(f"{url}/signups", json={**signup, "sender": "web-other"})
    assert full.status_code == 409 and "名额已满" in full.json()["detail"]

    assert comment(public, consultation_id).status_code == 200
    with database.session() as session:
        actor = session.scalars(select(User).where(User.username == "reviewer")).one()
        row = session.scalars(select(store.ConsultationComment)).one()
        store.handle_comment(session, actor, row, "adopted", "")
        mine = public.get(url, params={"sender": "web-abc"}).json()["mine"]
        assert mine[0]["handling"] is None  # not shown before the feedback is published
        consultation = store.get_consultation(session, consultation_id)
        store.publish_feedback(session, actor, consultation, "共收到1条意见，已采纳。")
        store.close(session, actor, consultation)
        session.commit()
    detail = public.get(url, params={"sender": "web-abc"}).json()
    assert detail["feedback"] == "共收到1条意见，已采纳。" and detail["mine"][0]["handling"] == "采纳"
    assert not detail["accepting"]
    closed = comment(public, consultation_id, "msg-after-close")
    assert closed.status_code == 409 and "已经截止" in closed.json()["detail"]
    assert public.put(f"{url}/answers", json={"sender": "web-abc", "answers": {}}).status_code == 409
