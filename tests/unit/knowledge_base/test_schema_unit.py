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


def test_faq_entry_with_enterprise_area_is_accepted_but_an_unknown_area_is_not(faq_entries):
    """Enterprise questions beyond the guide's 169 items are FAQ entries of area enterprise_risk."""
    entry = Entry.model_validate({**faq_entries[0], "collection": "faq", "area": "enterprise_risk", "side": "employer"})
    assert (entry.area.value, entry.side.value) == ("enterprise_risk", "employer")
    with pytest.raises(ValidationError, match="area"):
        Entry.model_validate({**faq_entries[0], "collection": "faq", "area": "taxes"})


def test_summary_is_one_short_sentence_and_side_is_from_the_list(faq_entries):
    with pytest.raises(ValidationError, match="summary"):
        Entry.model_validate({**faq_entries[0], "collection": "faq", "summary": "可以。" * 30})
    with pytest.raises(ValidationError, match="side"):
        Entry.model_validate({**faq_entries[0], "collection": "faq", "side": "boss"})


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


def test_a_rule_stated_without_its_article_is_flagged_for_staff_and_kept_in_the_record(faq_entries):
    """``needs_citation`` names the missing text; it travels with the record so the review pages can show it."""
    note = "烟草专卖法未收录：无证经营烟草制品的处罚"
    entry = Entry.model_validate({**faq_entries[0], "collection": "faq", "needs_citation": note})
    assert entry.to_record()["needs_citation"] == note
    assert Entry.model_validate({**faq_entries[0], "collection": "faq"}).needs_citation is None
    with pytest.raises(ValidationError, match="needs_citation"):
        Entry.model_validate({**faq_entries[0], "collection": "faq", "needs_citation": "未"})
