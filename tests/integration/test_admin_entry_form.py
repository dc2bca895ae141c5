"""The entry editor keeps every field of an entry: summary, side, deadlines and needs_citation as well as the rest.

Driven like ``test_admin_pages``: a signed-in editor loads the page, and what a
browser would submit from the editor form (every control's shown value) is
posted back; the stored record is then compared with the one before.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from knowledge_base.schema import SUMMARY_MAX_CHARS
from knowledge_base.store.models import EntryRow
from tests.helpers import form_values


def stored(app, slug: str) -> tuple[dict, int]:
    """The entry's record and how many versions it has."""
    with app.state.curation_db.session() as session:
        row = session.scalar(select(EntryRow).where(EntryRow.slug == slug))
        return row.data, len(row.versions)


def rich_entry(app, collection: str) -> tuple[str, dict]:
    """A seeded entry of ``collection`` with a summary, deadlines and a side other than 不限: its id and record."""
    with app.state.curation_db.session() as session:
        return next(
            (row.slug, row.data)
            for row in session.scalars(select(EntryRow).order_by(EntryRow.position))
            if row.data["collection"] == collection
            and row.data.get("summary")
            and row.data.get("deadlines")
            and row.data["side"] != "any"
        )


@pytest.mark.parametrize("collection", ["faq", "guide"])
def test_saving_an_entry_unchanged_stores_exactly_the_same_record(app, staff, collection):
    slug, original = rich_entry(app, collection)
    editor = staff("editor")
    shown = form_values(editor.get(f"/admin/entries/{slug}").text, f"/admin/entries/{slug}")
    assert shown["summary"] == [original["summary"]] and shown["side"] == [original["side"]]
    assert shown["deadline_what"] == [*(d["what"] for d in original["deadlines"]), ""]  # and a blank row, ignored

    saved = editor.post(f"/admin/entries/{slug}", shown)
    assert saved.status_code == 200 and "已保存为新版本" in saved.text
    assert stored(app, slug) == (original, 2)  # saved as a second version, equal to the first


def test_needs_citation_is_saved_shown_again_and_cleared(app, staff):
    slug, original = rich_entry(app, "faq")
    editor = staff("editor")
    action = f"/admin/entries/{slug}"
    note = "烟草专卖法未收录：无证经营烟草的处罚"
    editor.post(action, {**form_values(editor.get(action).text, action), "needs_citation": note})
    assert stored(app, slug)[0] == {**original, "needs_citation": note}
    shown = form_values(editor.page.text, action)
    assert shown["needs_citation"] == [note]
    editor.post(action, {**shown, "needs_citation": ""})
    assert "needs_citation" not in stored(app, slug)[0]


def test_a_deadline_row_is_added_and_an_incomplete_one_is_refused_in_chinese(app, staff):
    slug, original = rich_entry(app, "faq")
    editor = staff("editor")
    action = f"/admin/entries/{slug}"
    shown = form_values(editor.get(action).text, action)
    first = original["deadlines"][0]
    half = {**shown, "deadline_what": [*shown["deadline_what"][:-1], "再次申请"]}
    refused = editor.post(action, half)
    assert refused.status_code == 422
    assert (
        f"「期限提醒」第 {len(original['deadlines']) + 1} 条「期限」不能为空" in refused.text
        and 'value="再次申请"' in refused.text
    )
    row = {
        "what": "再次申请",
        "period": first["period"],
        "law": first["citation"]["law"],
        "article": first["citation"]["article"],
        "quote": first["citation"]["quote"],
    }
    added = {**shown, **{f"deadline_{name}": [*shown[f"deadline_{name}"][:-1], value] for name, value in row.items()}}
    editor.post(action, added)
    deadlines = stored(app, slug)[0]["deadlines"]
    assert deadlines == [*original["deadlines"], {**first, "what": "再次申请"}]


def test_a_too_long_summary_gets_the_validators_chinese_reason_and_keeps_what_was_typed(app, staff):
    slug, original = rich_entry(app, "faq")
    editor = staff("editor")
    action = f"/admin/entries/{slug}"
    page = editor.get(action)
    assert f"不超过 {SUMMARY_MAX_CHARS} 字" in page.text  # the limit is shown with the field
    typed = "可以要回。" * 13  # 65 characters
    refused = editor.post(action, {**form_values(page.text, action), "summary": typed})
    assert refused.status_code == 422
    assert f"「一句话回答」最多 {SUMMARY_MAX_CHARS} 个字" in refused.text
    assert form_values(refused.text, action)["summary"] == [typed]
    assert stored(app, slug)[0] == original
