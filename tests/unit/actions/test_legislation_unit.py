"""Unit tests for the chat side of legislative-opinion collection: list, open by name or button, read articles
(第X条, 下一条, 上一条), 我的意见, and a statute reference handed to the article lookup."""

from __future__ import annotations

from datetime import date

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import legislation
from knowledge_base.store.consultations import OpenArticle, OpenConsultation
from tests.unit.actions.form_trackers import tracker

SWIMMING = OpenConsultation(
    id=7,
    title="某市游泳场所卫生管理办法（征求意见稿）",
    issuer="某市司法局",
    summary="游泳场所要每天检测水质。",
    closes_on=date(2030, 1, 31),
    articles=(
        OpenArticle(71, "第一条", "第一章 总则", "为了保障游泳者健康，制定本办法。"),
        OpenArticle(72, "第二条", "第一章 总则", "本办法适用于游泳场所。"),
        OpenArticle(73, "第二条之一", "第一章 总则", "检测结果应当公示。"),
    ),
    feedback=None,
)


class Fixed:
    def __init__(self, consultations):
        self.consultations = consultations

    def current(self):
        return list(self.consultations)


@pytest.fixture
def live(monkeypatch):
    def use(*consultations):
        monkeypatch.setattr(legislation, "_live", Fixed(consultations))

    use(SWIMMING)
    return use


def run(text="", entities=None, slots=None, intent="legislation"):
    dispatcher = CollectingDispatcher()
    events = legislation.ActionLegislation().run(
        dispatcher, tracker(text, intent=intent, entities=entities, slots=slots), {}
    )
    return dispatcher.messages[0], {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def entities(**values):
    return [{"entity": f"legislation_{key}", "value": value} for key, value in values.items()]


def test_the_open_consultations_are_listed_with_buttons(live):
    message, slots = run("立法意见征集")
    assert "某市游泳场所卫生管理办法（征求意见稿）（某市司法局，01月31日截止）" in message["text"]
    assert (
        message["buttons"][0]["payload"] == '/legislation{"legislation_consultation": "7", "legislation_step": "open"}'
    )
    assert slots == {"legislation_consultation": None, "legislation_reading": False}
    live()
    message, _ = run("立法意见征集")
    assert "目前没有正在征求意见" in message["text"] and message["buttons"] == []


def test_a_consultation_opens_by_button_or_by_name(live):
    message, slots = run("/legislation", entities(consultation="7", step="open"))
    assert (
        "共3条" in message["text"] and "游泳场所要每天检测水质" in message["text"] and "/consult/7" in message["text"]
    )
    assert [b["title"] for b in message["buttons"]] == ["从第一条开始读", "我的意见"]
    assert slots == {"legislation_article": None, "legislation_consultation": "7", "legislation_reading": True}
    message, slots = run("我想对游泳场所卫生管理办法提意见")
    assert "共3条" in message["text"] and slots["legislation_consultation"] == "7"


def test_articles_are_read_by_number_and_in_turn(live, monkeypatch):
    monkeypatch.setenv("FARUN_PUBLIC_URL", "https://farun.example.org/")
    reading = {"legislation_consultation": "7"}
    message, slots = run("第二条之一", slots=reading, intent="article_lookup")
    assert message["text"].startswith("第一章 总则\n第二条之一 检测结果应当公示。")
    assert "https://farun.example.org/consult/7#article-73" in message["text"]
    assert [b["title"] for b in message["buttons"]] == ["上一条"] and slots["legislation_article"] == "2"
    message, slots = run("下一条", slots={**reading, "legislation_article": "0"})
    assert "第二条 本办法适用于游泳场所。" in message["text"] and slots["legislation_article"] == "1"
    message, _ = run("上一条", slots={**reading, "legislation_article": "1"})
    assert "第一条 为了保障" in message["text"]
    message, _ = run("下一条", slots={**reading, "legislation_article": "2"})
    assert "已经读完了，全文共3条" in message["text"]
    message, _ = run("第九条", slots=reading, intent="article_lookup")
    assert "没有这一条" in message["text"]


def test_my_opinions_point_to_the_page_and_a_law_name_goes_to_the_statute_lookup(live):
    message, _ = run("我的意见", slots={"legislation_consultation": "7"})
    assert "我的意见" in message["text"] and "/consult/7" in message["text"]
    message, slots = run("劳动合同法第八十二条", slots={"legislation_consultation": "7"}, intent="article_lookup")
    assert "《中华人民共和国劳动合同法》" in message["text"] and slots == {"legislation_reading": False}


def test_an_unclear_message_while_reading_is_an_article_or_goes_to_the_fallback(live, monkeypatch):
    reading = {"legislation_consultation": "7", "legislation_article": "0"}
    message, _ = run("第二条", slots=reading, intent="nlu_fallback")
    assert message["text"].startswith("第一章 总则\n第二条 本办法适用于游泳场所。")

    class Rephrase:
        def run(self, dispatcher, tracker, domain):
            dispatcher.utter_message(text="请换个说法")
            return []

    monkeypatch.setattr(legislation, "ActionFallback", Rephrase)
    message, slots = run("嗯嗯啊", slots=reading, intent="nlu_fallback")
    assert message["text"] == "请换个说法" and slots == {}


def test_the_live_reader_reads_published_consultations_only(tmp_path, database):
    from sqlalchemy import select

    from knowledge_base.drafts import parse_markdown
    from knowledge_base.store import consultations as store
    from knowledge_base.store.models import User

    assert store.LiveConsultations(f"sqlite:///{tmp_path / 'missing.db'}").current() == []
    with database.session() as session:
        actor = session.scalars(select(User).where(User.username == "reviewer")).one()
        today = store.beijing_today()
        values = {"issuer": "某市司法局", "summary": "", "opens_on": today, "closes_on": today}
        draft = parse_markdown("# 甲办法\n第一条 甲。\n第一条之一 乙。")
        published = store.create_consultation(session, actor, title="", draft=draft, **values)
        store.create_consultation(session, actor, title="草稿办法", draft=draft, **values)
        store.publish(session, actor, published)
        session.commit()
    found = store.LiveConsultations(f"sqlite:///{tmp_path / 'farun.db'}").current()
    assert [(c.title, [a.label for a in c.articles]) for c in found] == [("甲办法", ["第一条", "第一条之一"])]
