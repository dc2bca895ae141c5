"""Masking of personal numbers: phones, landlines, ID cards and bank cards inside Chinese text; other numbers kept."""

from __future__ import annotations

import re

import pytest

from api.curation.masking import mask


@pytest.mark.parametrize(
    "text, expected",
    [
        ("我的手机号是13812345678", "我的手机号是138****5678"),
        ("电话138 1234 5678找我", "电话138****5678找我"),
        ("电话138-1234-5678", "电话138****5678"),
        ("+86 13912345678", "139****5678"),
        ("8613912345678", "139****5678"),
        ("打１３８１２３４５６７８", "打138****5678"),
        ("身份证320402199001011234", "身份证[身份证号]"),
        ("身份证号32040219900101123X，没拿回来", "身份证号[身份证号]，没拿回来"),
        ("身份证号32040219900101123x", "身份证号[身份证号]"),
        ("老身份证320402900101123", "老身份证[身份证号]"),
        ("工资卡6222021234567890123被扣了", "工资卡[银行卡号]被扣了"),
        ("卡号 6222 0212 3456 7890", "卡号 [银行卡号]"),
        ("卡号6222-0212-3456-7890-123", "卡号[银行卡号]"),
        ("公司座机0519-88881234", "公司座机[固定电话]"),
        ("座机(0519)88881234转8", "座机[固定电话]"),
        ("编号123456789012", "编号[号码]"),
    ],
)
def test_each_kind_of_number_is_masked(text, expected):
    assert mask(text) == expected


def test_several_numbers_in_one_message():
    text = (
        "我叫张三，身份证32040219851203002X，手机13961234567，工资卡6217 0012 3456 7890 123，"
        "老板电话是0519-86661234，他欠我3个月工资共15000元。"
    )
    masked = mask(text)
    assert masked == (
        "我叫张三，身份证[身份证号]，手机139****4567，工资卡[银行卡号]，"
        "老板电话是[固定电话]，他欠我3个月工资共15000元。"
    )
    assert not re.search(r"\d{7,}", masked)


@pytest.mark.parametrize(
    "text",
    [
        "拖欠工资3000元怎么办",
        "劳动合同法第八十二条",
        "刑法276条之一",
        "打12348或者12333",
        "2024年3月15日入职",
        "欠了我1200000元",
        "工作了10年",
        "110报警",
    ],
)
def test_ordinary_numbers_stay(text):
    assert mask(text) == text


def test_no_long_digit_run_survives_any_spacing():
    for text in ("1 3 8 1 2 3 4 5 6 7 8 9 0", "62220212 34567890", "3204-0219-9001-0112-34"):
        assert not re.search(r"\d(?:[ \-]?\d){6,}", mask(text)), mask(text)
