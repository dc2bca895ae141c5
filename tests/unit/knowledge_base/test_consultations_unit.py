"""Consultation lifecycle in the store: draft → published → closed (audited), comments, questionnaire, sign-ups."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from knowledge_base.drafts import parse_markdown
from knowledge_base.store import consultations as store
from knowledge_base.store.models import AuditEvent, Base, User

DRAFT = "# 测试管理办法\n## 第一章 总则\n第一条 甲。\n第一条之一 乙。\n第二条 丙。"


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as opened:
        opened.add(User(username="staff", password_hash="x", role="reviewer"))
        opened.flush()
        yield opened
    engine.dispose()


def staff(session: Session) -> User:
    return session.scalars(select(User)).one()


def new_consultation(session: Session, **changes) -> store.Consultation:
    today = store.beijing_today()
    values = {
        "title": "",
        "issuer": "某区司法局",
        "summary": "说明",
        "opens_on": today - timedelta(days=1),
        "closes_on": today + timedelta(days=10),
        "draft": parse_markdown(DRAFT),
        "questions": [
            store.QuestionSpec("single", "您是否赞成？", ["赞成", "反对"]),
            store.QuestionSpec("multiple", "您关心哪些方面？", ["水质", "安全", "价格"]),
            store.QuestionSpec("text", "其他建议", []),
        ],
        "events": [store.EventSpec("座谈会", datetime(2030, 1, 5, 9), "区司法局会议室", 1)],
    }
    return store.create_consultation(session, staff(session), **{**values, **changes})


def comment(session, consultation, message_id="m1", sender="s1", **changes):
    values = {"sender": sender, "channel": "web", "message_id": message_id, "text": "建议增加公示。"}
    return store.add_comment(session, consultation, **{**values, **changes})


def test_the_lifecycle_is_draft_published_closed_and_audited(session):
    consultation = new_consultation(session)
    assert consultation.title == "测试管理办法" and consultation.state == "draft"
    assert [a.label for a in consultation.articles] == ["第一条", "第一条之一", "第二条"]
    assert store.open_consultations(session) == []
    with pytest.raises(store.ConsultationError):
        comment(session, consultation)
    store.publish(session, staff(session), consultation)
    assert store.open_consultations(session) == [consultation]
    with pytest.raises(store.ConsultationError, match="只有草稿"):
        store.publish(session, staff(session), consultation)
    store.close(session, staff(session), consultation)
    assert consultation.state == "closed" and store.open_consultations(session) == []
    with pytest.raises(store.ConsultationError, match="已经截止"):
        comment(session, consultation)
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["consultation_create", "consultation_publish", "consultation_close"]


def test_a_consultation_outside_its_dates_takes_nothing(session):
    consultation = new_consultation(
        session, closes_on=store.beijing_today() - timedelta(days=1), opens_on=store.beijing_today() - timedelta(days=5)
    )
    store.publish(session, staff(session), consultation)
    assert store.open_consultations(session) == []
    with pytest.raises(store.ConsultationError, match="截止"):
        comment(session, consultation)
    with pytest.raises(store.ConsultationError, match="截止日期不能早于"):
        new_consultation(session, closes_on=date(2020, 1, 1), opens_on=date(2020, 2, 1))


def test_a_comment_is_stored_once_per_message_id_and_limited(session):
    consultation = new_consultation(session)
    store.publish(session, staff(session), consultation)
    article = consultation.articles[1]
    first, created = comment(session, consultation, article_id=article.id)
    again, created_again = comment(session, consultation, article_id=article.id)
    assert created and not created_again and again.id == first.id
    with pytest.raises(store.ConsultationError, match="超过了1000字"):
        comment(session, consultation, "m2", text="长" * 1001)
    with pytest.raises(store.ConsultationError, match="不能为空"):
        comment(session, consultation, "m3", text="  ")
    for number in range(store.RATE_LIMIT - 1):
        comment(session, consultation, f"r{number}")
    with pytest.raises(store.ConsultationError) as refused:
        comment(session, consultation, "r-last")
    assert refused.value.status == 429
    comment(session, consultation, "other", sender="s2")  # another sender is not limited
    groups = store.comments_by_article(session, consultation)
    assert [(group.label, len(group.comments)) for group in groups] == [
        ("整体意见", store.RATE_LIMIT),
        ("第一条", 0),
        ("第一条之一", 1),
        ("第二条", 0),
    ]


def test_the_questionnaire_is_one_per_sender_and_replaced_while_open(session):
    consultation = new_consultation(session)
    store.publish(session, staff(session), consultation)
    single, multiple, text = consultation.questions
    store.save_answers(
        session,
        consultation,
        sender="s1",
        channel="web",
        answers={str(single.id): "赞成", str(multiple.id): ["水质", "安全"]},
    )
    store.save_answers(
        session, consultation, sender="s1", channel="web", answers={str(single.id): "反对", str(text.id): "多设救生员"}
    )
    store.save_answers(session, consultation, sender="s2", channel="chat", answers={str(single.id): "反对"})
    results = store.questionnaire_results(session, consultation)
    assert results[0]["counts"] == {"赞成": 0, "反对": 2} and results[0]["answered"] == 2
    assert results[1]["answered"] == 0
    assert results[2]["texts"] == ["多设救生员"]
    with pytest.raises(store.ConsultationError, match="选项无效"):
        store.save_answers(session, consultation, sender="s1", channel="web", answers={str(single.id): "也许"})


def test_sign_up_respects_capacity_and_handling_needs_a_reason(session):
    consultation = new_consultation(session)
    store.publish(session, staff(session), consultation)
    event = consultation.events[0]
    store.sign_up(session, consultation, event.id, sender="s1", channel="web", name="张先生", contact="微信同号")
    assert store.places_left(session, event) == 0
    with pytest.raises(store.ConsultationError, match="名额已满"):
        store.sign_up(session, consultation, event.id, sender="s2", channel="web", name="李女士", contact="电话")
    row, _ = comment(session, consultation)
    with pytest.raises(store.ConsultationError, match="理由"):
        store.handle_comment(session, staff(session), row, "not_adopted", " ")
    store.handle_comment(session, staff(session), row, "partly", "部分内容已在第二条体现")
    store.publish_feedback(session, staff(session), consultation, "感谢各位的意见。")
    assert row.handling == "partly" and consultation.feedback == "感谢各位的意见。"
    assert [c.id for c in store.my_comments(session, consultation, "s1")] == [row.id]
