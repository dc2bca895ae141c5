"""The entry schema: the shape each collection requires and the answer shown for guide items."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from knowledge_base.schema import Entry


def guide(item: dict) -> dict:
    return {**item, "collection": "guide", "area": "enterprise_risk", "issue": 1, "item": 1}


def test_guide_entry_without_risk_is_rejected(guide_item):
    del guide_item["risk"]
    with pytest.raises(ValidationError, match="必须填写「风险」"):
        Entry.model_validate(guide(guide_item))


def test_guide_entry_without_prevention_is_rejected(guide_item):
    guide_item["prevention"] = ""
    with pytest.raises(ValidationError, match="必须填写「防范」"):
        Entry.model_validate(guide(guide_item))


def test_faq_entry_with_enterprise_area_is_rejected(faq_entries):
    with pytest.raises(ValidationError, match="「领域」只能是"):
        Entry.model_validate({**faq_entries[0], "collection": "faq", "area": "enterprise_risk"})


def test_faq_entry_without_answer_is_rejected(faq_entries):
    del faq_entries[0]["answer"]
    with pytest.raises(ValidationError, match="必须填写「解答」"):
        Entry.model_validate({**faq_entries[0], "collection": "faq"})


def test_unknown_field_and_blank_question_are_rejected(faq_entries):
    with pytest.raises(ValidationError):
        Entry.model_validate({**faq_entries[0], "collection": "faq", "answr": "typo"})
    with pytest.raises(ValidationError, match="「用户问法」中有空白的一条"):
        Entry.model_validate({**faq_entries[0], "collection": "faq", "questions": ["有问题", "  "]})


def test_guide_answer_has_risk_prevention_and_case(guide_item):
    entry = Entry.model_validate(guide(guide_item))
    assert entry.answer.startswith(f"【风险】{guide_item['risk']}")
    assert f"【防范】{guide_item['prevention']}" in entry.answer
    assert f"【示例（虚构案例）】{guide_item['case']}" in entry.answer
    del guide_item["case"]
    assert "示例" not in Entry.model_validate(guide(guide_item)).answer


def test_faq_answer_and_record(faq_entries):
    entry = Entry.model_validate({**faq_entries[0], "collection": "faq"})
    assert entry.answer == faq_entries[0]["answer"]
    record = entry.to_record()
    assert record["answer"] == faq_entries[0]["answer"]
    assert "answer_text" not in record
    assert record["collection"] == "faq" and record["area"] == "wage_arrears"
