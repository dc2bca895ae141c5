"""Unit tests for the chat side of legislative-opinion collection: list, open by name or button, read articles
(第X条, 下一条, 上一条), the buttons that ask for a comment (on an article, on the whole draft) and the prompt's
payload, 我的意见 (this conversation's opinions and their published handling), and a statute reference handed to the
article lookup."""

from __future__ import annotations

from datetime import date

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import legislation, payload
from knowledge_base.store.consultations import MyComment, OpenArticle, OpenConsultation
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
    def __init__(self, consultations, comments=None):
        self.consultations = consultations
        self.comments = comments or {}

    def current(self):
        return list(self.consultations)

    def mine(self, sender_id):
        return list(self.comments.get(sender_id, []))


@pytest.fixture
def live(monkeypatch):
    def use(*consultations, comments=None):
        monkeypatch.setattr(legislation, "_live", Fixed(consultations, comments))

    use(SWIMMING)
    return use


def run(text="", entities=None, slots=None, intent="legislation"):
    dispatcher = CollectingDispatcher()
    events = legislation.ActionLegislation().run(
        dispatcher, tracker(text, intent=intent, entities=entities, slots=slots), {}
    )
    return dispatcher.messages[0], {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def farun(message):
    return message["custom"][payload.KEY]


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
    assert [b["title"] for b in message["buttons"]] == ["从第一条开始读", "对整部草案提意见", "我的意见"]
    assert slots == {"legislation_article": None, "legislation_consultation": "7", "legislation_reading": True}
    message, slots = run("我想对游泳场所卫生管理办法提意见")
    assert "共3条" in message["text"] and slots["legislation_consultation"] == "7"


def test_articles_are_read_by_number_and_in_turn(live, monkeypatch):
    monkeypatch.setenv("FARUN_PUBLIC_URL", "https://farun.example.org/")
    reading = {"legislation_consultation": "7"}
    message, slots = run("第二条之一", slots=reading, intent="article_lookup")
    assert message["text"].startswith("第一章 总则\n第二条之一 检测结果应当公示。")
    assert "https://farun.example.org/consult/7#article-73" in message["text"]
    assert [b["title"] for b in message["buttons"]] == ["上一条", "对这一条提意见"]
    assert slots["legislation_article"] == "2"
    message, slots = run("下一条", slots={**reading, "legislation_article": "0"})
    assert "第二条 本办法适用于游泳场所。" in message["text"] and slots["legislation_article"] == "1"
    message, _ = run("上一条", slots={**reading, "legislation_article": "1"})
    assert "第一条 为了保障" in message["text"]
    message, _ = run("下一条", slots={**reading, "legislation_article": "2"})
    assert "已经读完了，全文共3条" in message["text"]
    message, _ = run("第九条", slots=reading, intent="article_lookup")
    assert "没有这一条" in message["text"]


def test_an_article_number_taken_for_a_choice_while_reading_reads_the_article(live):
    """The NLU may take a bare 「第二条」 for choose_entry (「the second one」); while a draft is open it is its article."""
    from actions.answer import ActionAnswerEntry

    dispatcher = CollectingDispatcher()
    slots = {"legislation_consultation": "7", "legislation_reading": True, "offered_entry_ids": ["wage-unpaid-basic"]}
    ActionAnswerEntry().run(dispatcher, tracker("第二条", intent="choose_entry", slots=slots), {})
    assert dispatcher.messages[0]["text"].startswith("第一章 总则\n第二条 本办法适用于游泳场所。")


def test_an_article_and_the_summary_offer_a_comment_and_the_prompt_names_what_it_is_on(live, monkeypatch):
    monkeypatch.setenv("FARUN_PUBLIC_URL", "https://farun.example.org")
    message, _ = run("第二条", slots={"legislation_consultation": "7"}, intent="article_lookup")
    offer = message["buttons"][-1]
    assert offer == {
        "title": "对这一条提意见",
        "payload": '/legislation{"legislation_consultation": "7", "legislation_step": "comment", '
        '"legislation_article": "1"}',
    }
    assert farun(message)["kind"] == "legislation"

    message, slots = run("/legislation", entities(consultation="7", step="comment", article="1"))
    assert message["text"].startswith(
        "请直接发送您对《某市游泳场所卫生管理办法（征求意见稿）》第二条的意见（1000字以内）"
    )
    assert "意见不署名" in message["text"] and "https://farun.example.org/consult/7" in message["text"]
    assert (farun(message)["kind"], farun(message)["consultation"], farun(message)["article"]) == (
        payload.COMMENT_PROMPT,
        7,
        72,
    )
    assert [b["title"] for b in message["buttons"]] == ["继续阅读", "我的意见"]
    assert '"legislation_step": "article", "legislation_article": "1"' in message["buttons"][0]["payload"]
    assert slots == {"legislation_consultation": "7", "legislation_reading": True}

    message, _ = run("/legislation", entities(consultation="7", step="comment_all"))
    assert "整部草案的意见" in message["text"] and farun(message)["article"] is None
    assert '"legislation_step": "open"' in message["buttons"][0]["payload"]
    message, _ = run("/legislation", entities(consultation="7", step="comment", article="9"))
    assert farun(message)["kind"] == "legislation" and "共3条" in message["text"]  # no such article: the summary


def test_my_opinions_list_this_conversations_comments_and_their_published_handling(live):
    message, _ = run("我的意见", slots={"legislation_consultation": "7"})
    assert message["text"].startswith("您在这里还没有提交过意见") and [b["title"] for b in message["buttons"]] == [
        "回到草案"
    ]
    long = "建议" * 30
    live(
        SWIMMING,
        comments={
            "unit": [
                MyComment("某市游泳场所卫生管理办法", "第二条", "水质要公示", "部分采纳", "已在第二条之一中规定"),
                MyComment("《某市物业管理办法》", "整体意见", long, None, ""),
            ],
            "someone else": [MyComment("某市游泳场所卫生管理办法", "第一条", "别人的意见", "采纳", "")],
        },
    )
    message, _ = run("我的意见")
    assert message["text"].split("\n") == [
        "您在这里提交过2条意见：",
        "1. 《某市游泳场所卫生管理办法》第二条：水质要公示",
        "   处理结果：部分采纳。已在第二条之一中规定",
        f"2. 《某市物业管理办法》整体意见：{long[:40]}…",
        "   处理结果：工作人员汇总研究后会公布，请留意。",
    ]
    assert message["buttons"] == []


def test_a_law_name_goes_to_the_statute_lookup(live):
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


def test_my_opinions_are_read_from_the_database_by_the_conversations_sender_id(database):
    from sqlalchemy import select

    from api.curation.masking import sender_hash
    from knowledge_base.drafts import parse_markdown
    from knowledge_base.store import consultations as store
    from knowledge_base.store.models import User

    with database.session() as session:
        actor = session.scalars(select(User).where(User.username == "reviewer")).one()
        today = store.beijing_today()
        draft = parse_markdown("# 甲办法\n第一条 甲。")
        row = store.create_consultation(
            session, actor, title="", issuer="某局", summary="", opens_on=today, closes_on=today, draft=draft
        )
        store.publish(session, actor, row)
        comment, _ = store.add_comment(
            session, row, sender=sender_hash("web-1"), channel="web", message_id="m-1", text="乙", article_id=None
        )
        store.handle_comment(session, actor, comment, "adopted", "")
        session.commit()
        live = store.LiveConsultations(str(database.engine.url))
        assert live.mine("web-1") == [store.MyComment("甲办法", "整体意见", "乙", None, "")]  # not yet published
        store.publish_feedback(session, actor, row, "已汇总。")
        session.commit()
    assert live.mine("web-1") == [store.MyComment("甲办法", "整体意见", "乙", "采纳", "")]
    assert live.mine("web-2") == []
