"""Entry field names in Chinese: one mapping covers every field of the entry schema and relabels whole records."""

from __future__ import annotations

from api.curation.field_labels import FIELD_LABELS, relabelled
from api.curation.messages import field_name
from api.curation.spreadsheet_layout import COLUMNS
from knowledge_base.schema import Citation, Entry


def test_every_field_of_an_entry_and_a_citation_has_a_chinese_label():
    keys = {field.alias or name for name, field in Entry.model_fields.items()} | set(Citation.model_fields)
    assert keys <= set(FIELD_LABELS)
    assert all(not label.isascii() for label in FIELD_LABELS.values())


def test_a_record_is_relabelled_at_every_level_and_its_values_are_kept():
    record = {
        "id": "wage-late",
        "answer": "按月支付",
        "citations": [{"law": "劳动法", "article": "第五十条", "quote": "工资应当以货币形式按月支付"}],
        "tags": ["answer"],
    }
    assert relabelled(record) == {
        "编号": "wage-late",
        "解答": "按月支付",
        "标签": ["answer"],
        "法条引用": [{"法规": "劳动法", "条号": "第五十条", "引文": "工资应当以货币形式按月支付"}],
    }


def test_messages_and_spreadsheet_headers_use_the_same_names():
    assert field_name(("citations", 0, "quote")) == "「法条引用」第 1 条「引文」"
    shared = [column for column in COLUMNS if column.key in FIELD_LABELS and column.key not in ("issue", "item")]
    assert len(shared) == 16 and all(column.label == FIELD_LABELS[column.key] for column in shared)


def test_every_area_has_one_chinese_name_for_pages_and_dashboard():
    from api.admin.routes import entries, unanswered
    from api.curation import analytics
    from api.curation.field_labels import AREA_NAMES
    from knowledge_base.schema import Area

    assert set(AREA_NAMES) == {area.value for area in Area}
    assert (
        entries.AREA_NAMES is AREA_NAMES and unanswered.AREA_NAMES is AREA_NAMES and analytics.AREA_NAMES is AREA_NAMES
    )


def test_every_side_has_a_chinese_name_on_the_staff_pages():
    from api.admin.routes import entries
    from api.curation.field_labels import SIDE_NAMES
    from knowledge_base.schema import Side

    assert set(SIDE_NAMES) == {side.value for side in Side} and entries.SIDE_NAMES is SIDE_NAMES
    assert all(not name.isascii() for name in SIDE_NAMES.values())


def test_summary_side_and_deadlines_survive_a_spreadsheet_round_trip():
    from api.curation.spreadsheet_layout import COLUMNS, parse_cells, record_cells

    record = {
        "id": "wage-x",
        "collection": "faq",
        "area": "wage_arrears",
        "title": "拖欠工资怎么办",
        "summary": "可以要。先协商，不行就申请仲裁。",
        "side": "worker",
        "questions": ["老板不给工资"],
        "answer": "先保存证据。",
        "citations": [{"law": "劳动合同法", "article": "第三十条", "quote": "向劳动者及时足额支付劳动报酬"}],
        "deadlines": [
            {
                "what": "申请劳动仲裁",
                "period": "一年内",
                "citation": {"law": "劳动争议调解仲裁法", "article": "第二十七条", "quote": "申请仲裁的时效期间为一年"},
            }
        ],
    }
    cells = dict(zip((column.key for column in COLUMNS), map(str, record_cells(record, "draft", 3))))
    parsed, version, errors = parse_cells(cells)
    assert errors == [] and version == 3
    assert {key: parsed[key] for key in ("summary", "side", "deadlines")} == {
        key: record[key] for key in ("summary", "side", "deadlines")
    }
    broken, _, errors = parse_cells({**cells, "side": "boss", "deadlines": "申请仲裁|一年内"})
    assert [error.column for error in errors] == ["提问方", "期限提醒"]
