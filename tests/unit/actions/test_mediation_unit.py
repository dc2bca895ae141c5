"""Unit tests for mediation routing: the bodies' data (no invented contacts), dispute mapping, the reply."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError
from rasa_sdk.executor import CollectingDispatcher

from actions.choice import UNCLEAR, best_option
from actions.mediation import DISPUTE, ValidateMediationForm, dispute_buttons, routing_text
from knowledge_base.service_data.base import SERVICES_DIR
from knowledge_base.service_data.mediation import NO_CONTACT, Body, mediation_data
from tests.unit.actions.form_trackers import tracker

# The bodies the bureau's own description of its mediation network names.
BUREAU_BODIES = {
    "婚姻家庭纠纷人民调解委员会",
    "银行业纠纷人民调解委员会",
    "冻品商会人民调解委员会",
    "商会人民调解委员会",
    "市场人民调解委员会",
    "法院诉调对接人民调解工作室",
    "交警（道路交通事故）人民调解工作室",
    "派出所人民调解工作室",
    "信访局人民调解工作室",
    "劳动人事争议仲裁院人民调解工作室",
    "检察院人民调解工作室",
    "物业纠纷调解工作室",
    "环境纠纷调解工作室",
    "消费纠纷调解工作室",
    "家事调解工作室",
    "退役军人调解工作室",
    "村（社区）人民调解委员会",
}


@pytest.fixture(scope="module")
def data():
    return mediation_data()


def test_the_notes_cite_free_mediation_and_judicial_confirmation(data):
    cited = {(c.law, c.article) for note in data.notes() for c in note.citations}
    assert {("人民调解法", "第四条"), ("人民调解法", "第三十三条")} <= cited


def test_the_bodies_are_the_bureaus_and_each_takes_some_dispute(data):
    assert {body.name for body in data.bodies} == BUREAU_BODIES
    routed = {body_id for dispute in data.disputes for body_id in dispute.bodies}
    assert routed == {body.id for body in data.bodies}


def _looks_made_up(phone: str) -> bool:
    digits = re.sub(r"\D", "", phone.removeprefix("0519"))
    return len(set(digits)) <= 2 or digits in "0123456789" or digits in "9876543210"


def test_no_contact_is_invented(data):
    """Addresses and phones are empty until staff fill them in; a filled one must look like a real contact."""
    for body in data.bodies:
        if body.phone:
            assert not _looks_made_up(body.phone), body
        if body.address:
            assert re.search(r"钟楼|常州", body.address) and not re.search(r"[xX×＊*]{2}|某|待定|示例", body.address), (
                body
            )
    raw = (SERVICES_DIR / "mediation.yml").read_text(encoding="utf-8")
    numbers = set(re.findall(r"\d{5,}", raw))
    assert numbers <= {b.phone.replace("-", "") for b in data.bodies} | {"12348"}


@pytest.mark.parametrize("phone", ["12345", "0519-1234", "010-66668888", "电话待定"])
def test_a_phone_that_is_not_a_real_format_is_rejected(phone):
    with pytest.raises(ValidationError):
        Body(id="x", name="某调解工作室", handles="纠纷", phone=phone)


def test_an_empty_contact_points_to_12348(data):
    body = Body(id="x", name="物业纠纷调解工作室", handles="物业纠纷")
    assert body.contact() == NO_CONTACT and "12348" in NO_CONTACT
    filled = Body(id="x", name="物业纠纷调解工作室", handles="物业纠纷", phone="0519-86001234", address="钟楼区某路1号")
    assert filled.contact() == "地址：钟楼区某路1号，电话：0519-86001234"


@pytest.mark.parametrize(
    "text,expected",
    [
        ("物业乱收停车费", "property"),
        ("楼上漏水到我家 邻居不管", "neighbour"),
        ("骑电动车被车撞了", "traffic"),
        ("冻品店老板欠我货款", "frozen_food"),
        ("两家公司之间的货款", "business"),
        ("信用卡被乱扣费", "banking"),
        ("老公要离婚", "family"),
        ("隔壁饭店油烟太大", "environment"),
        ("单位拖欠工资", "labour"),
        ("我是退伍军人 跟村里有点矛盾", "veterans"),
        ("随便问问", None),
    ],
)
def test_dispute_from_free_text(data, text, expected):
    assert best_option(text, data.disputes) == expected


def test_reply_names_the_bodies_and_why_mediation(data):
    text = routing_text(data, data.dispute("property"), with_disclaimer=True)
    assert "1. 物业纠纷调解工作室" in text and "2. 村（社区）人民调解委员会" in text
    assert "不收任何费用" in text and "司法确认" in text and text.count("12348") == 2
    assert "《人民调解法》第四条：“人民调解委员会调解民间纠纷，不收取任何费用。”" in text
    assert "《民事诉讼法》第二百零六条" in text and "\n\n" not in text
    assert text.endswith("不构成正式法律意见。")


def test_buttons_carry_the_dispute_as_an_entity(data):
    buttons = dispute_buttons(data)
    assert buttons[0] == {
        "title": "婚姻家庭、赡养抚养、继承",
        "payload": '/mediation_routing{"mediation_dispute": "family"}',
    }
    assert "frozen_food" not in "".join(b["payload"] for b in buttons) and 6 <= len(buttons) <= 10


def test_unclear_dispute_is_asked_again():
    dispatcher = CollectingDispatcher()
    assert ValidateMediationForm().validate_mediation_dispute(UNCLEAR, dispatcher, tracker(), {}) == {DISPUTE: None}
    assert "请点选" in dispatcher.messages[-1]["text"]
