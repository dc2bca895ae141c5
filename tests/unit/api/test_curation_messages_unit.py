"""Entry validation errors in plain Chinese: each Pydantic error type becomes a sentence naming the field."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from api.curation.messages import field_name, problem_texts
from knowledge_base.schema import Entry


def problems(record: dict) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        Entry.model_validate(record)
    return problem_texts(raised.value)


@pytest.mark.parametrize(
    ("change", "text"),
    [
        ({"questions": []}, "「用户问法」至少需要 1 条"),
        ({"questions": ["有问题", 3]}, "「用户问法」第 2 条必须是文字"),
        ({"questions": ["有问题", "  "]}, "「用户问法」中有空白的一条"),
        ({"title": "拖"}, "「标题」至少需要 2 个字"),
        ({"id": "Wage_1"}, "「编号」只能用小写字母、数字、连字符（-）和下划线，并以小写字母或数字开头"),
        ({"collection": "news"}, "「栏目」不是可选的值（可选：faq、guide）"),
        ({"issue": "三"}, "「期号」必须是整数"),
        ({"issue": 0}, "「期号」不能小于 1"),
        ({"answr": "错字"}, "「answr」不是条目的字段，请删除"),
        (
            {"citations": [{"law": "劳动合同法", "article": "第三十条", "quote": "太短"}]},
            "「法条引用」第 1 条「引文」至少需要 4 个字",
        ),
        (
            {"citations": [{"law": "劳动合同法", "quote": "向劳动者及时足额支付"}]},
            "「法条引用」第 1 条「条号」不能为空",
        ),
        ({"answer": None}, "居民常见问题必须填写「解答」"),
    ],
)
def test_each_error_names_the_field_in_chinese(faq_entries, change, text):
    assert problems({**faq_entries[0], "collection": "faq", **change}) == [text]


def test_a_guide_item_lists_every_missing_part(guide_item):
    record = {**guide_item, "collection": "guide", "area": "enterprise_risk", "issue": 1, "prevention": ""}
    record.pop("risk")
    assert problems(record) == ["企业法律风险指引条目必须填写「条目序号」、「风险」、「防范」"]


def test_field_names_follow_the_location():
    assert field_name(("citations", 2, "law")) == "「法条引用」第 3 条「法规」"
    assert field_name(()) == "「条目」"
