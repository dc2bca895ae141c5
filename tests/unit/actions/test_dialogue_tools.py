"""Unit tests for the dialogue helpers: article references, menus, did-you-mean choice, feedback value."""

from __future__ import annotations

import pytest

from actions.answer import chosen_entry_id
from actions.article_lookup import find_reference, reply_text
from actions.browse import ELDERLY_MENU, elderly_entries, elderly_topic, guide_issue, guide_topic
from actions.feedback import feedback_value
from actions.payload import NOT_USEFUL, USEFUL
from knowledge_base.numerals import ArticleNo


@pytest.mark.parametrize(
    "text,title,article",
    [
        ("劳动合同法第八十二条", "中华人民共和国劳动合同法", ArticleNo(82)),
        ("民法典1067条", "中华人民共和国民法典", ArticleNo(1067)),
        ("刑法276条之一", "中华人民共和国刑法", ArticleNo(276, 1)),
        ("请查《中华人民共和国劳动法》第 四十四 条", "中华人民共和国劳动法", ArticleNo(44)),
        ("劳动争议解释（一）第三条说什么", "最高人民法院关于审理劳动争议案件适用法律问题的解释（一）", ArticleNo(3)),
    ],
)
def test_reference_is_found_with_chinese_or_arabic_numerals(corpus, text, title, article):
    reference = find_reference(text, corpus)
    assert reference.law is not None and reference.law.title == title
    assert reference.article == article


def test_longest_law_name_wins(corpus):
    assert find_reference("劳动合同法第十条", corpus).law.short_name == "劳动合同法"
    assert find_reference("劳动法第十条", corpus).law.short_name == "劳动法"


def test_reply_quotes_the_article_with_title_and_version(corpus):
    text = reply_text(find_reference("劳动合同法82条", corpus))
    law = corpus.find("劳动合同法")
    assert text.startswith(f"《{law.title}》（{law.version}版）第八十二条")
    assert law.article("第八十二条") in text


@pytest.mark.parametrize(
    "text,expected",
    [
        ("婚姻法第三十二条", "没有找到这部法律"),
        ("劳动合同法第九百九十九条", "中没有第九百九十九条"),
        ("刑法第276条之九", "中没有第二百七十六条之九"),
        ("刑法第1234567条", "中没有第1234567条"),
        ("劳动合同法", "哪一条"),
    ],
)
def test_unknown_law_or_article_gets_a_clear_reply(corpus, text, expected):
    assert expected in reply_text(find_reference(text, corpus))


def test_chosen_entry_from_payload_or_ordinal():
    offered = ["entry-a", "entry-b"]
    assert chosen_entry_id("entry-x", "/choose_entry", offered) == "entry-x"
    assert chosen_entry_id(None, "我选第一个", offered) == "entry-a"
    assert chosen_entry_id(None, "第二个", offered) == "entry-b"
    assert chosen_entry_id(None, "第二个", []) is None


@pytest.mark.parametrize(
    "slot,text,expected",
    [
        (USEFUL, "/feedback", USEFUL),
        (NOT_USEFUL, "/feedback", NOT_USEFUL),
        (None, "有用", USEFUL),
        (None, "一点用都没用", NOT_USEFUL),
        (None, "不管用", NOT_USEFUL),
    ],
)
def test_feedback_value(slot, text, expected):
    assert feedback_value(slot, text) == expected


def test_every_elderly_menu_item_leads_to_faq_entries(kb):

    for topic in ELDERLY_MENU:
        entries = elderly_entries(topic, kb.entries)
        assert entries and all(entry.collection.value == "faq" for entry in entries), topic


def test_elderly_topic_from_button_or_text():

    assert elderly_topic("意定监护", "/elderly_menu") == "意定监护"
    assert elderly_topic(None, "银龄港湾 防范诈骗") == "防范诈骗"
    assert elderly_topic(None, "银龄港湾") is None


@pytest.mark.parametrize(
    "slot,text,expected",
    [
        ("12", "/guide_browse", 12),
        (None, "第12期", 12),
        (None, "看看第 三十 期", 30),
        (None, "合同管理", None),
    ],
)
def test_guide_issue_from_button_or_text(slot, text, expected):

    assert guide_issue(slot, text) == expected


def test_guide_topic_is_found_in_text(kb):

    assert guide_topic("合同管理方面的风险", kb.issues) == "合同管理"
    assert guide_topic("随便看看", kb.issues) is None


@pytest.mark.parametrize("fallbacks_so_far", [0, 1])
def test_the_fallback_always_ends_the_bots_turn(tmp_path, monkeypatch, fallbacks_so_far):
    """Run as Rasa's core fallback it must not be predicted again in the same turn (it once looped 10 times)."""
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from actions.answer import ActionFallback

    monkeypatch.setenv("FARUN_DATA_DIR", str(tmp_path))
    tracker = Tracker(
        "s",
        {"fallback_count": fallbacks_so_far},
        {"text": "工伤", "intent": {"name": "inform"}},
        [],
        False,
        None,
        {},
        "action_listen",
    )
    dispatcher = CollectingDispatcher()
    events = ActionFallback().run(dispatcher, tracker, {})
    assert len(dispatcher.messages) == 1
    assert events[-1] == {"event": "followup", "timestamp": None, "name": "action_listen"}
