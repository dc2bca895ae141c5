"""Turn log and unanswered queue: recording real reply payloads, masking, grouping, staff actions, dashboard figures.

Runs on a real migrated and seeded SQLite database, the real retriever and
sentence embedder, and the real JSON API in-process (TestClient); only the
Rasa server is replaced by the reply messages it would send.
"""

from __future__ import annotations

import asyncio
import re
import xml.etree.ElementTree as ElementTree
from datetime import datetime, timedelta

import httpx
import numpy as np
import pytest
from alembic import command
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from actions import payload, render
from actions.payload import NOT_USEFUL, USEFUL
from api.curation import analytics, charts
from api.curation.grouping import as_vector
from api.curation.masking import sender_hash
from api.curation.turns import TurnLog, record_turn
from api.curation.unanswered import dismiss, enqueue, open_groups
from api.rasa_client import RasaClient
from api.routers import analytics as analytics_router
from api.routers import unanswered as unanswered_router
from api.routers import web as web_router
from api.routers.curation import install
from api.settings import Settings
from api.wechat.conversation import PendingChoices, ask_bot
from api.wechat.security import user_hash
from knowledge_base.retrieval.embedder import get_embedder
from knowledge_base.schema import Collection
from knowledge_base.store.db import alembic_config, open_database
from knowledge_base.store.models import AuditEvent, EntryRow, QueueStatus, Turn, UnansweredGroup, UnansweredItem, User
from tests.helpers import PASSWORD, csrf_of

PHONE, ID_CARD = "13912345678", "32040219900101123X"


@pytest.fixture
def client(database):
    app = FastAPI()
    install(app)
    app.include_router(unanswered_router.router)
    app.include_router(analytics_router.router)
    app.state.curation_db = database
    with TestClient(app) as test_client:
        yield test_client


def rasa_reply(sender: str, text: str, payload: dict) -> list[dict]:
    """What Rasa's REST channel sends for one utterance: the text, then the custom payload as its own message."""
    return [{"recipient_id": sender, "text": text}, {"recipient_id": sender, "custom": payload}]


def answer(kb, entry_id: str, score: float) -> list[dict]:
    entry = kb.by_id()[entry_id]
    return rasa_reply("u", render.answer_text(entry, True), payload.build("answer", "wage_arrears", [entry], [score]))


def abstain(retriever, question: str, intent: str = "legal_services") -> list[dict]:
    result = retriever.search(question, Collection.FAQ, k=3)
    return rasa_reply(
        "u", render.abstain_text(), payload.build("abstain", intent, [], [], candidates=render.candidates(result.hits))
    )


def feedback(value: str, entry_id: str | None, question: str | None) -> list[dict]:
    return rasa_reply(
        "u", "谢谢反馈！", payload.build("feedback", "feedback", [], value=value, entry_id=entry_id, question=question)
    )


def wage_entry(kb) -> str:
    return next(e.id for e in kb.entries if e.area.value == "wage_arrears")


def open_items(session) -> list[UnansweredItem]:
    return list(
        session.scalars(select(UnansweredItem).where(UnansweredItem.status == "open").order_by(UnansweredItem.id))
    )


def test_an_answer_turn_is_logged_masked_and_hashed_but_not_queued(session, kb):
    entry_id = wage_entry(kb)
    turn = record_turn(
        session,
        "web",
        "browser-42",
        f"老板欠我工资，我电话{PHONE}",
        "wage_arrears",
        0.93,
        [{"recipient_id": "u", "text": "您好"}, *answer(kb, entry_id, 0.8123)],
    )
    assert (turn.text, turn.sender, turn.kind) == (
        "老板欠我工资，我电话139****5678",
        sender_hash("browser-42"),
        "answer",
    )
    assert (turn.intent, turn.confidence, turn.area) == ("wage_arrears", 0.93, "wage_arrears")
    assert (turn.entry_ids, turn.scores) == ([entry_id], [0.8123])
    assert open_items(session) == []


def test_a_plain_utterance_without_payload_is_logged_with_its_intent(session):
    turn = record_turn(
        session, "wechat", "wechat-abc", "你好", "greet", 0.99, [{"recipient_id": "u", "text": "您好！"}]
    )
    assert (turn.kind, turn.intent, turn.area, turn.channel) == ("utterance", "greet", None, "wechat")


def test_a_handoff_and_feedback_keep_their_detail_masked_in_the_turn_log(session, kb):
    """The retired handoffs.jsonl / feedback.jsonl: reason, question and entry live with the turn, masked."""
    handoff = rasa_reply(
        "u", "好的", payload.build("handoff", "handoff", [], reason="requested", last_question=f"欠薪 {PHONE}")
    )
    turn = record_turn(session, "web", "a", "转人工", "handoff", 0.99, handoff)
    assert (turn.kind, turn.detail) == ("handoff", {"reason": "requested", "last_question": "欠薪 139****5678"})
    entry_id = wage_entry(kb)
    turn = record_turn(session, "web", "a", "有用", "feedback", 1.0, feedback(USEFUL, entry_id, f"打{PHONE}"))
    assert (turn.feedback, turn.detail) == (USEFUL, {"entry_id": entry_id, "question": "打139****5678"})


def test_an_abstention_is_queued_with_its_candidates_and_repeats_join_it(session, retriever):
    question = f"离婚的时候房子怎么分，联系我{PHONE}"
    for sender in ("a", "b"):
        record_turn(session, "web", sender, question, "legal_services", 0.7, abstain(retriever, question))
    [item] = open_items(session)
    assert item.question == "离婚的时候房子怎么分，联系我139****5678"
    assert (item.reason, item.count, item.channel, item.area) == ("abstain", 2, "web", "legal_services")
    assert len(item.candidates) == 3
    assert all(c["id"] and c["title"] and 0 < c["score"] < 1 for c in item.candidates)


def test_a_referral_with_nothing_to_show_is_queued_but_one_with_an_orientation_entry_is_not(session, kb, retriever):
    question = "月球上的土地能买卖吗"
    candidates = render.candidates(retriever.search(question, Collection.FAQ, k=3).hits)
    bare = payload.build("referral", "out_of_scope", [], [], candidates=candidates)
    record_turn(session, "web", "a", question, "out_of_scope", 0.9, rasa_reply("a", render.out_of_scope_text(), bare))
    oriented = next(entry for entry in kb.entries if entry.area.value == "other_topics")
    shown = payload.build("referral", "out_of_scope", [oriented], [0.8])
    record_turn(session, "web", "b", "离婚孩子归谁", "out_of_scope", 0.9, rasa_reply("b", "…", shown))
    [item] = open_items(session)
    assert (item.question, item.reason, item.count) == (question, "referred", 1)
    assert len(item.candidates) == 3


def test_fallbacks_are_queued_but_an_asked_for_handoff_is_not(session):
    record_turn(
        session,
        "web",
        "a",
        "那个啥呢呢呢",
        "nlu_fallback",
        0.3,
        rasa_reply("a", render.rephrase_text(), payload.build("rephrase", "nlu_fallback", [])),
    )
    record_turn(
        session,
        "web",
        "a",
        "你说的啥啊啊",
        "nlu_fallback",
        0.2,
        rasa_reply("a", "找人工", payload.build("handoff", "nlu_fallback", [])),
    )
    record_turn(
        session, "web", "b", "转人工", "handoff", 0.98, rasa_reply("b", "好的", payload.build("handoff", "handoff", []))
    )
    assert [(i.question, i.reason) for i in open_items(session)] == [
        ("那个啥呢呢呢", "fallback"),
        ("你说的啥啊啊", "fallback"),
    ]


def test_not_useful_feedback_queues_the_answered_question_with_the_answers_score(session, kb):
    entry_id = wage_entry(kb)
    question = f"包工头跑了工钱找谁要，身份证{ID_CARD}"
    record_turn(session, "web", "w", question, "wage_arrears", 0.9, answer(kb, entry_id, 0.6421))
    record_turn(
        session,
        "web",
        "w",
        '/feedback{"feedback_value": "useful"}',
        "feedback",
        1.0,
        feedback(USEFUL, entry_id, question),
    )
    assert open_items(session) == []
    record_turn(session, "web", "w", "没用", "feedback", 1.0, feedback(NOT_USEFUL, entry_id, question))
    [item] = open_items(session)
    assert (item.question, item.reason) == ("包工头跑了工钱找谁要，身份证[身份证号]", "not_useful")
    assert item.candidates == [{"id": entry_id, "score": 0.6421}]
    turns = list(session.scalars(select(Turn).order_by(Turn.id)))
    assert [t.feedback for t in turns] == [None, USEFUL, NOT_USEFUL]


def test_nothing_unmasked_is_stored_anywhere(session, database, kb, retriever):
    numbers = f"手机{PHONE}、身份证{ID_CARD}、卡号6222 0212 3456 7890 123、座机0519-86661234"
    record_turn(
        session, "web", "x", f"我的信息：{numbers}，老板不给钱", "wage_arrears", 0.9, answer(kb, wage_entry(kb), 0.7)
    )
    record_turn(session, "web", "x", f"{numbers} 怎么办", "legal_services", 0.5, abstain(retriever, numbers))
    record_turn(session, "web", "x", "没用", "feedback", 1.0, feedback(NOT_USEFUL, wage_entry(kb), numbers))
    with database.engine.connect() as connection:
        stored = [
            str(value)
            for table in ("turns", "unanswered")
            for row in connection.execute(text(f"SELECT * FROM {table}"))
            for value in row
        ]
    assert len(open_items(session)) == 2
    assert not [
        value for value in stored if re.search(r"\d(?:[ \-]?\d){6,}", value) and not re.fullmatch(r"[\d\- :.]+", value)
    ]  # only timestamps are long digit runs


QUESTIONS = {
    "property": ["离婚后房子怎么分", "离婚时房产如何分割", "离婚了房子归谁"],
    "noise": ["邻居装修噪音太吵怎么办", "楼上邻居天天吵闹"],
    "traffic": ["交通事故对方全责不赔钱", "被车撞了对方不赔偿怎么办"],
    "custody": ["我想问一下离婚孩子抚养权", "孩子抚养权归谁"],
    "loan": ["借钱不还怎么起诉", "朋友借了我五万不还"],
    "shopping": ["网购买到假货怎么维权"],
}


def test_similar_chinese_questions_are_grouped_and_different_topics_kept_apart(session, retriever):
    _queue(session, retriever, *(question for questions in QUESTIONS.values() for question in questions))
    groups = open_groups(session, get_embedder())[:100]
    assert sorted(sorted(item.question for item in g.members) for g in groups) == sorted(
        sorted(q) for q in QUESTIONS.values()
    )


class CountingEmbedder:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self):
        self.base, self.texts = get_embedder(), []
        self.model_name = self.base.model_name

    def encode(self, texts: list[str]):
        self.texts += texts
        return self.base.encode(texts)


def _members(groups) -> list[list[str]]:
    return [[item.question for item in group.members] for group in groups]


def test_a_question_is_embedded_and_grouped_once_when_queued_and_reading_the_queue_groups_nothing(session):
    turn = record_turn(session, "web", "s", "你好", "greet", 0.9, [])
    embedder = CountingEmbedder()
    for question in ("离婚后房子怎么分", "网购买到假货怎么维权", "离婚时房产如何分割", "离婚后房子怎么分"):
        enqueue(session, question, "abstain", turn, [], embedder)
    session.commit()
    assert embedder.texts == ["离婚后房子怎么分", "网购买到假货怎么维权", "离婚时房产如何分割"]
    assert _members(open_groups(session, embedder)[:20]) == [
        ["离婚后房子怎么分", "离婚时房产如何分割"],
        ["网购买到假货怎么维权"],
    ]
    assert len(embedder.texts) == 3
    group = session.scalar(select(UnansweredGroup).where(UnansweredGroup.size == 2))
    first = session.scalar(select(UnansweredItem).where(UnansweredItem.question == "离婚后房子怎么分"))
    assert (group.total, group.representative_id, group.newest) == (3, first.id, first.last_seen)


def test_closing_questions_updates_their_group_and_an_emptied_group_goes(session):
    turn = record_turn(session, "web", "s", "你好", "greet", 0.9, [])
    embedder = get_embedder()
    first, second = (
        enqueue(session, q, "abstain", turn, [], embedder) for q in ("离婚后房子怎么分", "离婚时房产如何分割")
    )
    session.commit()
    group_id = first.group_id
    assert second.group_id == group_id
    reviewer = session.scalar(select(User).where(User.username == "reviewer"))
    dismiss(session, reviewer, [first.id], "与法律咨询无关")
    group = session.get(UnansweredGroup, group_id)
    assert (group.size, group.total, group.representative_id, first.group_id) == (1, 1, second.id, None)
    assert np.allclose(as_vector(group.centroid), as_vector(second.embedding), atol=1e-6)  # the one left's vector
    dismiss(session, reviewer, [second.id], "与法律咨询无关")
    assert session.get(UnansweredGroup, group_id) is None and open_groups(session, embedder)[:20] == []


def test_questions_written_without_a_group_are_grouped_once_when_the_queue_is_read(session):
    for count, question in enumerate(("网购买到假货怎么维权", "离婚时房产如何分割", "离婚后房子怎么分"), 1):
        session.add(UnansweredItem(question=question, reason="abstain", channel="web", candidates=[], count=count))
    session.commit()
    embedder = CountingEmbedder()
    assert _members(open_groups(session, embedder)[:20]) == [
        ["离婚后房子怎么分", "离婚时房产如何分割"],
        ["网购买到假货怎么维权"],
    ]
    assert _members(open_groups(session, embedder)[:20]) == _members(open_groups(session, embedder)[:20])
    assert sorted(embedder.texts) == sorted(["网购买到假货怎么维权", "离婚时房产如何分割", "离婚后房子怎么分"])


def _queue(session, retriever, *questions: str) -> list[UnansweredItem]:
    for question in questions:
        record_turn(session, "web", "s", question, "legal_services", 0.6, abstain(retriever, question))
    return open_items(session)


def test_the_api_lists_groups_with_candidate_titles_and_needs_sign_in(client, as_user, session, retriever):
    _queue(session, retriever, "离婚后房子怎么分", "离婚时房产如何分割", "网购买到假货怎么维权", "离婚后房子怎么分")
    assert client.get("/api/curation/unanswered").status_code == 401
    groups = client.get("/api/curation/unanswered", headers=as_user("reviewer")).json()["groups"]
    assert [(g["total"], [i["question"] for i in g["items"]]) for g in groups] == [
        (3, ["离婚后房子怎么分", "离婚时房产如何分割"]),
        (1, ["网购买到假货怎么维权"]),
    ]
    candidate = groups[0]["items"][0]["candidates"][0]
    assert candidate["title"] and candidate["score"] > 0
    assert groups[0]["items"][0]["reason_name"] == "没有把握未作答"


def test_turning_a_question_into_a_draft(client, as_user, session, database, retriever):
    first, second = _queue(session, retriever, "离婚后房子怎么分", "离婚时房产如何分割")
    editor = as_user("editor")
    template = client.get(f"/api/curation/unanswered/{first.id}/draft", headers=editor).json()["data"]
    assert template["questions"] == ["离婚后房子怎么分"] and template["answer"] == ""
    incomplete = client.post(f"/api/curation/unanswered/{first.id}/draft", json={"data": template}, headers=editor)
    assert incomplete.status_code == 422 and "「解答」" in incomplete.json()["detail"]
    assert (
        client.post(
            f"/api/curation/unanswered/{first.id}/draft", json={"data": template}, headers=as_user("reviewer")
        ).status_code
        == 403
    )
    done = client.post(
        f"/api/curation/unanswered/{first.id}/draft",
        headers=editor,
        json={
            "data": {**template, "answer": "离婚时夫妻共同财产由双方协议处理；协议不成的，由人民法院判决。"},
            "also": [second.id],
        },
    )
    assert done.status_code == 201, done.text
    slug = done.json()["entry_id"]
    with database.session() as fresh:
        row = fresh.scalar(select(EntryRow).where(EntryRow.slug == slug))
        assert (row.state, row.data["questions"]) == ("draft", ["离婚后房子怎么分"])
        items = fresh.scalars(select(UnansweredItem).order_by(UnansweredItem.id)).all()
        assert [(i.status, i.resolution) for i in items] == [("drafted", slug), ("drafted", slug)]
        assert {e.action for e in fresh.scalars(select(AuditEvent))} >= {"create", "unanswered_drafted"}
    again = client.post(f"/api/curation/unanswered/{first.id}/dismiss", json={"reason": "重复"}, headers=editor)
    assert again.status_code == 409


def test_attaching_a_question_as_a_phrasing_makes_a_version(client, as_user, session, database, retriever, kb):
    [item] = _queue(session, retriever, "工资拖了半年不给 能找哪里")
    editor = as_user("editor")
    slug = wage_entry(kb)
    entry = client.get(f"/api/curation/entries/{slug}", headers=editor).json()
    stale = client.post(
        f"/api/curation/unanswered/{item.id}/attach",
        headers=editor,
        json={"entry_id": slug, "version": entry["version"] - 1},
    )
    assert stale.status_code == 409
    done = client.post(
        f"/api/curation/unanswered/{item.id}/attach",
        headers=editor,
        json={"entry_id": slug, "version": entry["version"]},
    )
    assert done.status_code == 200, done.text
    after = client.get(f"/api/curation/entries/{slug}", headers=editor).json()
    assert after["data"]["questions"][-1] == "工资拖了半年不给 能找哪里"
    assert after["state"] == "draft" and after["published"] == entry["published"]  # served copy unchanged until review
    versions = client.get(f"/api/curation/entries/{slug}/versions", headers=editor).json()
    assert len(versions) == 2
    with database.session() as fresh:
        assert fresh.get(UnansweredItem, item.id).status == QueueStatus.ATTACHED.value


def test_dismissing_needs_a_reason_and_is_audited(client, as_user, session, database, retriever):
    [item] = _queue(session, retriever, "今天天气怎么样")
    reviewer = as_user("reviewer")
    empty = client.post(f"/api/curation/unanswered/{item.id}/dismiss", json={"reason": " "}, headers=reviewer)
    assert empty.status_code == 422 and "原因" in empty.json()["detail"]
    assert (
        client.post(
            f"/api/curation/unanswered/{item.id}/dismiss", json={"reason": "与法律咨询无关"}, headers=reviewer
        ).status_code
        == 200
    )
    assert client.get("/api/curation/unanswered", headers=reviewer).json()["groups"] == []
    with database.session() as fresh:
        event = fresh.scalar(select(AuditEvent).where(AuditEvent.action == "unanswered_dismissed"))
        assert (event.target, event.detail) == (f"unanswered/{item.id}", "与法律咨询无关")


def test_dashboard_figures_over_a_window(session, kb, retriever):
    now = datetime(2026, 11, 25, 12, 0)
    entry_id = wage_entry(kb)
    replies = [
        answer(kb, entry_id, 0.8),
        answer(kb, entry_id, 0.7),
        abstain(retriever, "离婚后房子怎么分"),
        rasa_reply("h", "好的", payload.build("handoff", "handoff", [])),
        feedback(USEFUL, entry_id, "q"),
        feedback(NOT_USEFUL, entry_id, "q"),
        feedback(USEFUL, entry_id, "q"),
    ]
    for index, reply in enumerate(replies):
        turn = record_turn(session, "web", "d", f"问题{index}", None, None, reply)
        turn.at = now - timedelta(days=index % 2)
    old = record_turn(session, "web", "d", "很久以前", None, None, answer(kb, entry_id, 0.9))
    old.at = now - timedelta(days=40)
    session.commit()
    figures = analytics.dashboard(session, days=7, now=now)
    assert len(figures.days) == 7 and figures.days[-1] == now.date()
    assert figures.messages[-2:] == [3, 4] and figures.total == 7 and sum(figures.handoffs) == 1
    assert (figures.questions, figures.abstained, round(figures.abstain_rate, 2)) == (3, 1, 0.33)
    assert (figures.useful, figures.not_useful, round(figures.useful_ratio, 2)) == (2, 1, 0.67)
    assert dict(figures.intents)["反馈"] == 3 and dict(figures.areas)["欠薪与劳动权益"] == 2


def test_dashboard_days_are_beijing_days(session, kb):
    entry_id = wage_entry(kb)
    late_evening = record_turn(session, "web", "d", "夜里问的", None, None, answer(kb, entry_id, 0.8))
    late_evening.at = datetime(2026, 11, 24, 17, 30)  # 01:30 on the 25th in Beijing
    session.commit()
    figures = analytics.dashboard(session, days=2, now=datetime(2026, 11, 25, 3, 0))
    assert figures.days[-1].isoformat() == "2026-11-25" and figures.messages == [0, 1]


def test_the_analytics_api_reports_top_unanswered_topics(client, as_user, session, retriever):
    _queue(session, retriever, "离婚后房子怎么分", "离婚时房产如何分割", "网购买到假货怎么维权")
    body = client.get("/api/curation/analytics?days=3", headers=as_user("editor")).json()
    assert body["messages"][-1] == 3 and body["abstain_rate"] == 1.0 and body["useful_ratio"] is None
    assert body["top_unanswered"] == [
        {"question": "离婚时房产如何分割", "count": 2},  # the latest of equals first
        {"question": "网购买到假货怎么维权", "count": 1},
    ]


def test_charts_are_well_formed_svg_with_escaped_labels():
    days = [datetime(2026, 11, day).date() for day in range(1, 8)]
    svgs = [
        charts.column_chart("每日消息", days, [0, 3, 5, 0, 1, 9, 2]),
        charts.share_chart("意图", [("<script>", 3), ("欠薪与劳动权益", 9)]),
        charts.share_chart("空", []),
        charts.split_bar("反馈", [("有用", 2), ("没用", 1)]),
    ]
    for svg in svgs:
        ElementTree.fromstring(svg)
    assert "&lt;script&gt;" in svgs[1] and "<script>" not in svgs[1] and "9（75%）" in svgs[1]
    assert "暂无数据" in svgs[2] and "有用 2（67%）" in svgs[3] and "2026-11-06：9" in svgs[0]


def test_the_web_pages_own_not_useful_button_queues_the_masked_question(database, session, kb, monkeypatch, tmp_path):
    monkeypatch.setenv("FARUN_DATA_DIR", str(tmp_path))
    app = FastAPI()
    app.include_router(web_router.router)
    app.state.curation_db = database
    entry_id = wage_entry(kb)
    with TestClient(app) as web_client:
        response = web_client.post(
            "/api/feedback",
            json={"sender": "web-1", "value": NOT_USEFUL, "entry_ids": [entry_id], "question": f"打{PHONE}问工资"},
        )
    assert response.status_code == 200
    [item] = open_items(session)
    assert item.reason == "not_useful" and PHONE not in item.question and "问工资" in item.question
    assert [candidate["id"] for candidate in item.candidates] == [entry_id]


def test_the_migration_downgrades_and_upgrades_again(tmp_path):
    db = open_database(f"sqlite:///{tmp_path / 'm.db'}")
    config = alembic_config(db.engine)
    command.downgrade(config, "0001")
    with db.engine.connect() as connection:
        tables = {row[0] for row in connection.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))}
    assert "turns" not in tables and "entries" in tables
    command.upgrade(config, "head")
    db.close()


@pytest.fixture
def pages(app):
    """The admin pages in-process; ``sign_in(name)`` returns a client with that user's session cookie."""

    def sign_in(name: str) -> TestClient:
        browser = TestClient(app)
        login = browser.get("/admin/login")
        browser.post("/admin/login", data={"username": name, "password": PASSWORD, "csrf_token": csrf_of(login.text)})
        return browser

    return sign_in


def test_the_queue_page_turns_a_group_into_a_draft_through_the_prefilled_editor(pages, session, database, retriever):
    first, second, other = _queue(
        session, retriever, "离婚时房产如何分割", f"离婚后房子怎么分 电话{PHONE}", "网购买到假货怎么维权"
    )
    browser = pages("editor")
    listing = browser.get("/admin/unanswered")
    assert (
        listing.status_code == 200 and "离婚后房子怎么分 电话139****5678" in listing.text and PHONE not in listing.text
    )
    assert listing.text.count('class="card group"') == 2 and "转为新条目草稿" in listing.text
    link = re.search(r'href="(/admin/unanswered/\d+/draft[^"]*)"', listing.text)[1].replace("&amp;", "&")
    editor = browser.get(link)
    assert "离婚后房子怎么分 电话139****5678</textarea>" in editor.text
    action = re.search(r'<form method="post" action="([^"]+)" class="card editor">', editor.text)[1]
    action = action.replace("&amp;", "&")
    form = {
        "id": "other-divorce-house-test",
        "collection": "faq",
        "area": "other_topics",
        "title": "离婚时房子怎么分",
        "questions": "离婚后房子怎么分 电话139****5678",
        "csrf_token": csrf_of(editor.text),
    }
    missing = browser.post(action, data=form)
    assert missing.status_code == 422 and "离婚后房子怎么分 电话139****5678" in missing.text
    saved = browser.post(
        action,
        data={
            **form,
            "answer": "离婚时夫妻共同财产由双方协议处理；协议不成的，由人民法院判决。",
            "csrf_token": csrf_of(missing.text),
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303 and saved.headers["location"].startswith("/admin/entries/other-divorce-house-test")
    with database.session() as fresh:
        statuses = [fresh.get(UnansweredItem, item.id).status for item in (first, second, other)]
    assert statuses == ["drafted", "drafted", "open"]


def test_the_queue_page_attaches_and_dismisses(pages, session, database, retriever, kb):
    attached, dismissed = _queue(session, retriever, "工资拖了半年不给 能找哪里", "今天天气怎么样")
    browser = pages("editor")
    listing = browser.get("/admin/unanswered")
    slug = wage_entry(kb)
    response = browser.post(
        f"/admin/unanswered/{attached.id}/attach", data={"entry_id": slug, "csrf_token": csrf_of(listing.text)}
    )
    assert response.status_code == 200 and "已把问题加为该条目的新问法" in response.text
    no_reason = browser.post(
        f"/admin/unanswered/{dismissed.id}/dismiss", data={"reason": "", "csrf_token": csrf_of(response.text)}
    )
    assert no_reason.status_code == 422 and "忽略时请填写原因" in no_reason.text
    done = browser.post(
        f"/admin/unanswered/{dismissed.id}/dismiss",
        data={"reason": "与法律咨询无关", "csrf_token": csrf_of(no_reason.text)},
    )
    assert "目前没有待解决的问题" in done.text
    with database.session() as fresh:
        assert (
            fresh.scalar(select(EntryRow).where(EntryRow.slug == slug)).data["questions"][-1]
            == "工资拖了半年不给 能找哪里"
        )


def test_the_dashboard_page_shows_figures_and_inline_svg_charts(pages, session, kb, retriever):
    record_turn(session, "web", "a", "老板拖欠工资", "wage_arrears", 0.9, answer(kb, wage_entry(kb), 0.8))
    record_turn(session, "web", "a", "没用", "feedback", 1.0, feedback(NOT_USEFUL, wage_entry(kb), "老板拖欠工资"))
    _queue(session, retriever, "离婚后房子怎么分")
    page = pages("reviewer").get("/admin/dashboard?days=7")
    assert page.status_code == 200 and page.text.count("<svg") == 7 and "<script" not in page.text
    assert re.search(r'id="total-messages">3<', page.text) and re.search(r'id="abstain-rate">50%<', page.text)
    assert re.search(r'id="useful-ratio">0%<', page.text) and "离婚后房子怎么分" in page.text


def test_a_wechat_turn_is_recorded_under_its_channel_with_the_same_sender_hash_as_the_actions(database, kb):
    """ask_bot with Rasa's REST channel answered in-process (httpx transport), the real turn log behind it."""
    reply = answer(kb, wage_entry(kb), 0.77)
    rasa = RasaClient(
        Settings(rasa_url="http://rasa.test"),
        httpx.AsyncClient(transport=httpx.MockTransport(lambda request: httpx.Response(200, json=reply))),
    )
    chunks = asyncio.run(
        ask_bot(rasa, PendingChoices(), "openid-123", f"老板不给工资 {PHONE}", TurnLog(database, "wecom"))
    )
    assert chunks and "法律依据" in "".join(chunks)
    with database.session() as fresh:
        [turn] = fresh.scalars(select(Turn)).all()
    assert (turn.channel, turn.kind, turn.text) == ("wecom", "answer", "老板不给工资 139****5678")
    assert turn.sender == sender_hash(f"wechat-{user_hash('openid-123')}")


def test_a_failing_turn_log_never_breaks_the_reply(database, caplog):
    with database.engine.begin() as connection:
        connection.execute(text("DROP TABLE turns"))
    asyncio.run(TurnLog(database, "web").record("s", "你好", "greet", 0.9, [{"text": "您好"}]))
    assert "could not record a web turn" in caplog.text
