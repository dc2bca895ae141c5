"""The entry editor's form ⇄ record conversion: every field, row groups with blank rows ignored, browser line breaks."""

from __future__ import annotations

from starlette.datastructures import FormData

from api.admin.entry_form import blank_fields, data_to_fields, form_to_data

DEADLINE = {
    "what": "申请劳动仲裁",
    "period": "一年内",
    "citation": {"law": "劳动争议调解仲裁法", "article": "第二十七条", "quote": "劳动争议申请仲裁的时效期间为一年"},
}
RECORD = {
    "id": "wage-x",
    "collection": "faq",
    "area": "wage_arrears",
    "side": "worker",
    "title": "拖欠工资怎么办",
    "summary": "可以要。先协商，不行就申请仲裁。",
    "answer": "第一段。\n第二段。",
    "needs_citation": "某法未收录：某条规则",
    "questions": ["老板不给工资", "工资拖着不发"],
    "citations": [{"law": "劳动合同法", "article": "第三十条", "quote": "向劳动者及时足额支付劳动报酬"}],
    "deadlines": [DEADLINE],
}


def submitted(fields: dict) -> FormData:
    """What a browser posts for the editor showing ``fields``: one extra blank row per group, CRLF in textareas."""
    rows = {
        "citation": [*fields["citations"], {"law": "", "article": "", "quote": ""}],
        "deadline": [*fields["deadlines"], dict.fromkeys(("what", "period", "law", "article", "quote"), "")],
    }
    items = [(name, value.replace("\n", "\r\n")) for name, value in fields.items() if isinstance(value, str)]
    items += [
        (f"{prefix}_{key}", value) for prefix, group in rows.items() for row in group for key, value in row.items()
    ]
    return FormData(items)


def test_a_record_survives_the_form_unchanged():
    assert form_to_data(submitted(data_to_fields(RECORD))) == RECORD


def test_a_partly_filled_deadline_row_is_kept_for_the_validator_to_judge():
    fields = {
        **data_to_fields(RECORD),
        "deadlines": [{"what": "再次申请", "period": "", "law": "", "article": "", "quote": ""}],
    }
    assert form_to_data(submitted(fields))["deadlines"] == [
        {"what": "再次申请", "period": "", "citation": {"law": "", "article": "", "quote": ""}}
    ]


def test_a_new_entry_starts_for_anyone_without_deadlines():
    fields = blank_fields()
    assert (fields["side"], fields["summary"], fields["deadlines"]) == ("any", "", [])
    assert form_to_data(submitted(fields)) == {"collection": "faq", "area": "wage_arrears", "side": "any"}
