"""Rendering an entry as the bot's reply text: title, answer, citations, next steps, disclaimer, no blank lines."""

from __future__ import annotations

import pytest

from actions.render import DISCLAIMER, answer_text, citations
from knowledge_base.schema import Entry


@pytest.fixture
def entry(faq_entries) -> Entry:
    raw = faq_entries[0]
    raw["citations"].append(
        {"law": "中华人民共和国劳动合同法", "article": "82", "quote": "应当向劳动者每月支付二倍的工资"}
    )
    return Entry.model_validate({**raw, "collection": "faq"})


def test_answer_text_parts_in_order(entry):
    lines = answer_text(entry, with_disclaimer=False).split("\n")
    assert lines[0] == f"【{entry.title}】"
    assert lines[1] == entry.answer
    assert lines[2] == "法律依据："
    assert lines[3] == "·《劳动合同法》第三十条：“向劳动者及时足额支付劳动报酬”"
    assert lines[4] == "·《劳动合同法》第八十二条：“应当向劳动者每月支付二倍的工资”"
    assert lines[5:] == ["下一步建议：", "1. 拨打12348咨询", "2. 向劳动人事争议仲裁委员会申请仲裁"]
    assert DISCLAIMER not in answer_text(entry, with_disclaimer=False)


def test_summary_first_and_deadlines_before_the_legal_basis(entry):
    deadline = {
        "what": "申请劳动仲裁",
        "period": "自知道或者应当知道权利被侵害之日起一年内",
        "citation": {"law": "劳动争议调解仲裁法", "article": "第二十七条", "quote": "劳动争议申请仲裁的时效期间为一年"},
    }
    shaped = Entry.model_validate(
        {
            **entry.model_dump(by_alias=True, exclude={"answer"}),
            "summary": "可以要。先协商，不行就申请仲裁。",
            "deadlines": [deadline],
        }
    )
    lines = answer_text(shaped, with_disclaimer=False).split("\n")
    assert lines[:3] == [f"【{entry.title}】", "可以要。先协商，不行就申请仲裁。", entry.answer]
    assert lines[3:5] == [
        "期限提醒：",
        "·申请劳动仲裁：自知道或者应当知道权利被侵害之日起一年内（《劳动争议调解仲裁法》第二十七条）",
    ]
    assert lines[5] == "法律依据："
    assert "\n".join(lines).count("法律依据") == 1


def test_disclaimer_only_when_asked(entry):
    text = answer_text(entry, with_disclaimer=True)
    assert text.endswith("\n" + DISCLAIMER)
    assert text.count(DISCLAIMER) == 1


def test_no_next_steps_section_without_steps(entry):
    text = answer_text(entry.model_copy(update={"next_steps": []}), with_disclaimer=False)
    assert "下一步建议" not in text


def test_no_blank_line_even_with_paragraphs_in_the_answer(entry):
    paragraphs = entry.model_copy(update={"answer_text": "第一段。\n\n第二段。\n\n\n第三段。"})
    text = answer_text(paragraphs, with_disclaimer=True)
    assert "\n\n" not in text
    assert "第一段。\n第二段。\n第三段。" in text


def test_no_blank_line_in_any_real_entry(kb):
    for real in kb.entries:
        assert "\n\n" not in answer_text(real, with_disclaimer=True), real.id


def test_citation_records(entry):
    records = citations(entry)
    assert [(r["law"], r["short_name"], r["article"]) for r in records] == [
        ("中华人民共和国劳动合同法", "劳动合同法", "第三十条"),
        ("中华人民共和国劳动合同法", "劳动合同法", "第八十二条"),
    ]
    assert records[1]["url"] == "/api/statutes/劳动合同法/第八十二条"
