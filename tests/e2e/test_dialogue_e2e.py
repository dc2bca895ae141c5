"""End to end: the dialogue flows (article lookup, handoff, feedback, did-you-mean choice) through POST /api/chat.

Each test talks to the real Rasa server and action server; what is kept for
staff (handoff requests, feedback) is read back from the stack's database.
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from api.curation.masking import sender_hash
from knowledge_base.store.db import open_database
from knowledge_base.store.models import Turn


def _sender() -> str:
    return f"e2e-dialogue-{uuid.uuid4().hex[:10]}"


def _text(response: dict) -> str:
    return "\n".join(reply["text"] for reply in response["replies"])


def _records(kind: str, sender: str) -> list[dict]:
    """The details of ``sender``'s turns of ``kind`` in the stack's database (its URL is in the environment)."""
    database = open_database()
    try:
        with database.session() as session:
            turns = session.scalars(
                select(Turn).where(Turn.sender == sender_hash(sender), Turn.kind == kind).order_by(Turn.id)
            )
            return [{**(turn.detail or {}), "value": turn.feedback} for turn in turns]
    finally:
        database.close()


@pytest.mark.parametrize(
    "question,law,article",
    [
        ("劳动合同法第八十二条", "劳动合同法", "第八十二条"),
        ("民法典1067条", "民法典", "第一千零六十七条"),
        ("刑法276条之一", "刑法", "第二百七十六条之一"),
    ],
)
def test_article_lookup_replies_with_the_article_text(chat, corpus, question, law, article):
    response = chat(_sender(), question)
    assert response["intent"] == "article_lookup"
    text = _text(response)
    statute = corpus.find(law)
    assert f"《{statute.title}》" in text and article in text
    assert statute.article(article) in text


def test_article_lookup_of_a_missing_article_says_so(chat):
    response = chat(_sender(), "劳动合同法第九百条")
    assert response["replies"][0]["kind"] == "article_not_found"
    assert "没有第九百条" in _text(response)


def test_handoff_offers_people_and_records_the_last_question(chat):
    sender = _sender()
    chat(sender, "老板拖欠我三个月工资怎么办")
    response = chat(sender, "转人工")
    assert response["intent"] == "handoff"
    text = _text(response)
    assert "12348" in text and "法律顾问" in text and "法律援助中心" in text
    records = _records("handoff", sender)
    assert len(records) == 1 and records[0]["last_question"] == "老板拖欠我三个月工资怎么办"


def test_answer_offers_feedback_and_the_click_is_recorded(chat):
    sender = _sender()
    answer = next(r for r in chat(sender, "老板拖欠工资不给怎么办")["replies"] if r["kind"] == "answer")
    payloads = {button["title"]: button["payload"] for button in answer["buttons"]}
    assert {"有用", "没用"} <= set(payloads)
    response = chat(sender, payloads["没用"])
    assert "谢谢反馈" in _text(response)
    records = _records("feedback", sender)
    assert records == [
        {**records[0], "value": "not_useful", "entry_id": answer["entry_ids"][0], "question": "老板拖欠工资不给怎么办"}
    ]


def test_choosing_an_entry_answers_that_entry(chat, kb):
    sender = _sender()
    entry = kb.by_id()["elderly-support-refuse"]
    menu = chat(sender, "/elderly_menu")  # a listed entry's button is only accepted once the bot has offered it
    topic = next(b for b in menu["replies"][0]["buttons"] if b["title"] == "子女赡养")
    listed = chat(sender, topic["payload"])["replies"][0]["buttons"]
    response = chat(sender, next(b["payload"] for b in listed if f'"{entry.id}"' in b["payload"]))
    reply = next(r for r in response["replies"] if r["kind"] == "answer")
    assert reply["entry_ids"] == [entry.id] and entry.title in reply["text"]


def test_a_payload_the_bot_did_not_offer_is_not_executed(chat):
    """Typed ``/restart`` or ``/feedback{…}`` neither resets the form nor files feedback: a polite 没看懂."""
    sender = _sender()
    asked = chat(sender, "帮我看看能不能申请法律援助")
    assert "第1步" in _text(asked)
    for typed in ("/restart", '/feedback{"feedback_value": "not_useful"}'):
        assert [reply["kind"] for reply in chat(sender, typed)["replies"]] == ["not_understood"]
    assert _records("feedback", sender) == []
    choice = next(b for r in asked["replies"] for b in r["buttons"] if "讨要工资" in b["title"])
    assert "第2步" in _text(chat(sender, choice["payload"]))  # the form was not reset: its first question's button


def test_elderly_menu_leads_to_an_faq_answer(chat):
    sender = _sender()
    menu = chat(sender, "银龄港湾")
    assert menu["intent"] == "elderly_menu"
    topics = {button["title"]: button["payload"] for button in menu["replies"][0]["buttons"]}
    assert set(topics) == {"子女赡养", "遗嘱继承", "防范诈骗", "意定监护", "法律援助"}
    entries = chat(sender, topics["防范诈骗"])["replies"][0]["buttons"]
    assert entries and all(button["payload"].startswith("/choose_entry") for button in entries)
    answer = next(r for r in chat(sender, entries[0]["payload"])["replies"] if r["kind"] == "answer")
    assert answer["entry_ids"][0].startswith("elderly-fraud-") and answer["citations"]


def test_guide_browsing_by_topic_and_issue(chat, kb):
    sender = _sender()
    by_topic = chat(sender, "合同管理方面的风险")
    assert by_topic["intent"] == "guide_browse"
    issues = {i.issue for i in kb.issues if i.topic == "合同管理"}
    assert {int(b["payload"].split('"')[-2]) for b in by_topic["replies"][0]["buttons"]} == issues
    items = chat(sender, "第12期")["replies"][0]["buttons"]
    expected = sorted((e for e in kb.entries if e.issue == 12), key=lambda e: e.item)
    assert [b["title"] for b in items] == [e.title for e in expected]


def test_a_bare_keyword_gets_one_reply_not_a_loop(chat):
    """「工伤」 alone (NLU may call it a form answer) is answered once, never with repeated fallbacks."""
    replies = chat(_sender(), "工伤")["replies"]
    kinds = [reply["kind"] for reply in replies]
    assert len(replies) <= 2, kinds
    assert kinds.count("rephrase") + kinds.count("handoff") <= 1, kinds
