"""WeChat channel units: reply rendering and splitting, numbered choices, XML and timestamp checks, user hashing,
the passive reply's XML, message checks and replay claims."""

from __future__ import annotations

import asyncio
import time

import pytest
import wechatpy
import xmltodict

from api.models import BotReply, Button, CitationOut
from api.wechat.conversation import PendingChoices
from api.wechat.parsing import MalformedCallback, parse_callback
from api.wechat.passive_reply import text_reply
from api.wechat.render import MAX_BYTES, render, split
from api.wechat.replay import MemoryPairStore, check_replay
from api.wechat.security import RejectedCallback, check_timestamp, safe_xml, user_hash

CITATION = CitationOut(
    law="中华人民共和国劳动合同法",
    short_name="劳动合同法",
    article="第三十条",
    quote="用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬。",
    url="",
)


def test_answer_is_plain_text_with_compact_citations():
    rendered = render([BotReply(text="**先协商**，再找劳动监察。", kind="answer", citations=[CITATION, CITATION])])
    assert rendered.chunks == ["先协商，再找劳动监察。\n依据：《劳动合同法》第三十条；《劳动合同法》第三十条"]
    assert rendered.choices == []


def test_buttons_become_numbered_choices():
    buttons = [Button(title="拖欠工资", payload="/choose_a"), Button(title="工伤认定", payload="/choose_b")]
    rendered = render([BotReply(text="您想问哪一个？", buttons=buttons)])
    assert rendered.chunks[0].endswith("请回复数字选择：\n1. 拖欠工资\n2. 工伤认定")
    assert rendered.choices == buttons


@pytest.mark.parametrize("text", ["段落。" * 2000, "\n".join(["一行文字内容"] * 800), "a" * 5000])
def test_split_keeps_every_character_and_fits_the_limit(text):
    chunks = split(text)
    assert len(chunks) > 1
    assert all(len(chunk.encode()) <= MAX_BYTES for chunk in chunks)
    assert "".join(chunks).replace("\n", "") == text.replace("\n", "")


def test_short_text_is_one_chunk():
    assert split("你好") == ["你好"]


def test_number_reply_maps_to_the_button_payload():
    choices = PendingChoices()
    choices.remember("u1", [Button(title="甲", payload="/a"), Button(title="乙", payload="/b")])
    assert choices.resolve("u1", "2") == "/b"
    assert choices.resolve("u1", "3") is None
    assert choices.resolve("u1", "拖欠工资") is None
    assert choices.resolve("u2", "1") is None
    choices.remember("u1", [])
    assert choices.resolve("u1", "1") is None


def test_choices_expire():
    choices = PendingChoices(ttl=-1)
    choices.remember("u1", [Button(title="甲", payload="/a")])
    assert choices.resolve("u1", "1") is None


@pytest.mark.parametrize(
    "xml",
    [
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><xml><Content>&lol;</Content></xml>',
        "<!doctype xml SYSTEM 'file:///etc/passwd'><xml/>",
        "<xml><!ENTITY x 'y'></xml>",
    ],
)
def test_doctype_and_entities_are_refused(xml):
    with pytest.raises(RejectedCallback):
        safe_xml(xml.encode())


def test_plain_xml_passes():
    assert safe_xml(b"<xml><Content><![CDATA[\xe4\xbd\xa0\xe5\xa5\xbd]]></Content></xml>").endswith("</xml>")


def test_stale_and_bad_timestamps_are_refused():
    now = time.time()
    check_timestamp(str(int(now) - 10), 300, now)
    for bad in (str(int(now) - 301), str(int(now) + 301), "abc"):
        with pytest.raises(RejectedCallback):
            check_timestamp(bad, 300, now)


def test_user_hash_is_stable_and_hides_the_openid():
    openid = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"
    assert user_hash(openid) == user_hash(openid) != user_hash(openid + "x")
    assert openid not in user_hash(openid)


def test_every_cdata_value_of_the_passive_reply_keeps_a_cdata_end_marker():
    message = wechatpy.parse_message(
        "<xml><ToUserName>gh]]&gt;a</ToUserName><FromUserName>o]]&gt;b</FromUserName><CreateTime>1</CreateTime>"
        "<MsgType>text</MsgType><Content>x</Content><MsgId>1</MsgId></xml>"
    )
    reply = xmltodict.parse(text_reply(message, "一]]>二]]]>三"))["xml"]
    assert (reply["ToUserName"], reply["FromUserName"], reply["Content"]) == ("o]]>b", "gh]]>a", "一]]>二]]]>三")
    assert reply["MsgType"] == "text"


def test_a_well_formed_event_passes_the_message_checks():
    event = parse_callback(
        "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1700000000</CreateTime>"
        "<MsgType>event</MsgType><Event>CLICK</Event><EventKey>TOPIC_LABOR</EventKey></xml>",
        wechatpy.parse_message,
    )
    assert (event.type, event.event, event.key) == ("event", "click", "TOPIC_LABOR")


@pytest.mark.parametrize(
    "xml",
    [
        "<xml><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType><Content>x</Content></xml>",
        "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>99999999999999999999</CreateTime>"
        "<MsgType>text</MsgType><Content>x</Content></xml>",
        "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime>"
        "<MsgType>voice</MsgType><MediaId>m</MediaId><Recognition>a</Recognition><Recognition>b</Recognition></xml>",
        "<message><MsgType>text</MsgType></message>",
        "<xml>只有文字</xml>",
    ],
    ids=["no ToUserName", "CreateTime out of range", "Recognition twice", "no xml root", "no elements"],
)
def test_messages_a_reply_could_not_be_built_from_are_refused(xml):
    with pytest.raises(MalformedCallback):
        parse_callback(xml, wechatpy.parse_message)


def test_a_replay_claim_holds_one_body_per_pair_until_it_expires():
    now = [0.0]
    store = MemoryPairStore(ttl=600, clock=lambda: now[0])

    async def scenario():
        await check_replay(store, "wechat", "1700000000", "n1", b"<xml>a</xml>")
        await check_replay(store, "wechat", "1700000000", "n1", b"<xml>a</xml>")  # the same delivery again
        await check_replay(store, "wecom", "1700000000", "n1", b"<xml>b</xml>")  # another channel's pair
        with pytest.raises(RejectedCallback):
            await check_replay(store, "wechat", "1700000000", "n1", b"<xml>b</xml>")
        now[0] = 600
        await check_replay(store, "wechat", "1700000000", "n1", b"<xml>b</xml>")  # forgotten after the ttl

    asyncio.run(scenario())
