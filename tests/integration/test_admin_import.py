"""The admin import/export page through TestClient: downloads for every role, uploads for editors, the row report."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.helpers import LABELS, csrf_of, csv_bytes, new_row


def upload(person, name: str, content: bytes, **fields):
    return person.client.post(
        "/admin/import",
        files={"file": (name, content, "text/csv")},
        data={"csrf_token": csrf_of(person.page.text), **fields},
    )


def test_every_role_downloads_and_only_writers_see_the_upload_form(app, staff):
    assert TestClient(app).get("/admin/import", follow_redirects=False).status_code == 303
    reviewer = staff("reviewer")
    page = reviewer.get("/admin/import")
    assert page.status_code == 200 and '<a href="/admin/import" aria-current="page">导入导出</a>' in page.text
    assert 'href="/admin/import/export.xlsx?all=true"' in page.text and "导入表格" not in page.text
    download = reviewer.client.get("/admin/import/export.xlsx")
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    assert load_workbook(io.BytesIO(download.content)).worksheets[0]["A1"].value == "编号"
    assert reviewer.client.get("/admin/import/export.csv?all=true").content.startswith(b"\xef\xbb\xbf")
    refused = upload(reviewer, "a.csv", csv_bytes([LABELS, new_row("wage-page-new")]))
    assert refused.status_code == 403 and "编辑" in refused.text


def test_an_upload_reports_bad_rows_in_chinese_and_saves_only_a_clean_file(app, staff):
    editor = staff("editor")
    assert "导入表格" in editor.get("/admin/import").text
    bad = upload(
        editor,
        "有错.csv",
        csv_bytes([LABELS, new_row("wage-page-new"), new_row("wage-page-bad", citations="劳动合同法|第三十条")]),
    )
    assert bad.status_code == 422 and "有 1 处问题，未导入任何内容" in bad.text
    assert "<td>第 3 行</td><td>法条引用</td>" in bad.text and "应为“法规|条号|引文”" in bad.text
    assert editor.client.get("/admin/entries/wage-page-new").status_code == 404

    good = csv_bytes([LABELS, new_row("wage-page-new")])
    checked = upload(editor, "good.csv", good, dry_run="true")
    assert (
        checked.status_code == 200 and "检查通过（只检查，未保存）" in checked.text and "新建草稿 1 条" in checked.text
    )
    assert editor.client.get("/admin/entries/wage-page-new").status_code == 404
    done = upload(editor, "good.csv", good)
    assert done.status_code == 200 and '<a href="/admin/entries/wage-page-new">' in done.text
    assert "草稿" in editor.get("/admin/entries/wage-page-new").text

    wrong = upload(editor, "notes.txt", b"hello")
    assert wrong.status_code == 422 and "不支持的文件类型" in wrong.text
    forged = editor.client.post("/admin/import", files={"file": ("good.csv", good, "text/csv")})
    assert forged.status_code == 403 and "安全校验失败" in forged.text
