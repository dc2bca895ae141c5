"""End to end: a resident finds a draft regulation open for comment, reads an article and comments on it in the chat.

Through the running stack's ``/api/chat`` (real Rasa, action server and API on the stack's own database): a
published consultation is put in that database, then 「立法意见征集」 lists it, its button opens it,
「从第一条开始读」 reads the first article (the button: typed, NLU takes a bare 「第一条」 for choose_entry, "the
first one"), 「对这一条提意见」 asks for the opinion, and the next message — holding a mobile number — is stored by
the API on that article with the number masked, never reaching Rasa. 「我的意见」 then lists it. The test removes
its consultation, account and audit rows afterwards.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from api.curation import auth
from knowledge_base.drafts import parse_markdown
from knowledge_base.store import consultations as store
from knowledge_base.store.models import AuditEvent, Role, User
from knowledge_base.store.seed import open_seeded_database

DRAFT = (
    "# 某市游泳场所卫生管理办法（征求意见稿）\n"
    "第一条 为了保障游泳者的健康，制定本办法。\n"
    "第二条 游泳场所应当每天检测水质，并公示检测结果。\n"
)
COMMENT = "建议写明儿童的陪同要求。我的电话13912345678"


@pytest.fixture
def consultation(stack):
    """A published consultation open today in the stack's database: ``(id, title, first article's id)``."""
    name = f"e2e-legislation-{uuid.uuid4().hex[:8]}"
    title = f"某市游泳场所卫生管理办法（{name[-8:]}）"
    database = open_seeded_database()
    with database.session() as session:
        actor = auth.create_user(session, name, "e2e-password-1", Role.LEGISLATION)
        today = store.beijing_today()
        row = store.create_consultation(
            session,
            actor,
            title=title,
            issuer="某市司法局",
            summary="游泳场所要每天检测水质并公示。",
            opens_on=today,
            closes_on=today + timedelta(days=30),
            draft=parse_markdown(DRAFT),
        )
        store.publish(session, actor, row)
        session.commit()
        found = row.id, title, row.articles[0].id
    yield found
    with database.session() as session:
        for table in (store.ConsultationComment, store.ConsultationArticle):
            session.execute(delete(table).where(table.consultation_id == found[0]))
        session.execute(delete(store.Consultation).where(store.Consultation.id == found[0]))
        session.execute(delete(AuditEvent).where(AuditEvent.target == store.AUDIT_TARGET.format(id=found[0])))
        session.execute(delete(User).where(User.username == name))
        session.commit()
    database.close()


def click(chat, sender: str, reply: dict, title: str) -> dict:
    """Press the button ``title`` of ``reply``: its payload as the next message; the first reply."""
    payload = next(button["payload"] for button in reply["buttons"] if button["title"] == title)
    return chat(sender, payload)["replies"][0]


def test_a_resident_reads_an_article_comments_on_it_and_sees_it_under_my_opinions(chat, consultation):
    consultation_id, title, article_id = consultation
    sender = f"e2e-legislation-{uuid.uuid4().hex[:8]}"

    listed = chat(sender, "立法意见征集")["replies"][0]
    assert listed["kind"] == "legislation" and title in listed["text"]
    opened = click(chat, sender, listed, title)
    assert "共2条" in opened["text"] and f"/consult/{consultation_id}" in opened["text"]

    article = click(chat, sender, opened, "从第一条开始读")  # typed, a bare 「第一条」 is read as choose_entry
    assert article["kind"] == "legislation" and "第一条 为了保障游泳者的健康" in article["text"]
    prompt = click(chat, sender, article, "对这一条提意见")
    assert prompt["kind"] == "legislation_comment_prompt" and "第一条的意见" in prompt["text"]
    assert "意见不署名" in prompt["text"]

    stored = chat(sender, COMMENT)
    assert stored["intent"] is None, "the comment went to Rasa's NLU"
    assert stored["replies"][0]["kind"] == "legislation_comment"
    assert "第一条的意见" in stored["replies"][0]["text"]
    database = open_seeded_database()
    with database.session() as session:
        comments = session.scalars(
            select(store.ConsultationComment).where(store.ConsultationComment.consultation_id == consultation_id)
        ).all()
        assert [(c.article_id, c.text, c.channel) for c in comments] == [
            (article_id, "建议写明儿童的陪同要求。我的电话139****5678", "web")
        ]
    database.close()

    mine = chat(sender, "我的意见")["replies"][0]
    assert mine["kind"] == "legislation"
    assert mine["text"].startswith("您在这里提交过1条意见")
    assert "第一条：建议写明儿童的陪同要求。我的电话139****5678" in mine["text"]
    assert "13912345678" not in mine["text"]
