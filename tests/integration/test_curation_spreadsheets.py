"""Spreadsheet export and import: real CSV/XLSX files, a real seeded SQLite database, the JSON API and the CLI."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select

from api.curation import workflow
from api.curation.errors import CurationError
from api.curation.spreadsheet_export import export_spreadsheet
from api.curation.spreadsheet_import import MAX_BYTES, import_spreadsheet
from api.curation.spreadsheet_layout import COLUMNS
from api.routers import spreadsheets
from api.routers.curation import install
from knowledge_base.store.export import published_rows
from knowledge_base.store.models import AuditEvent, EntryRow, EntryVersion, User
from tests.helpers import LABELS, PASSWORD, csv_bytes, farun, new_entry, new_row

COL = {column.key: number for number, column in enumerate(COLUMNS)}


@pytest.fixture
def client(database):  # the curation API plus the spreadsheet routes
    app = FastAPI()
    install(app)
    app.include_router(spreadsheets.router)
    app.state.curation_db = database
    with TestClient(app) as test_client:
        yield test_client


def user(database, name: str = "editor") -> User:
    with database.session() as session:
        return session.scalar(select(User).where(User.username == name))


def snapshot(database) -> dict:
    """Everything an import may change."""
    with database.session() as session:
        return {
            "entries": {
                row.slug: (row.state, row.data, row.published, row.lock_version)
                for row in session.scalars(select(EntryRow))
            },
            "versions": session.scalar(select(func.count()).select_from(EntryVersion)),
            "audit": session.scalar(select(func.count()).select_from(AuditEvent)),
        }


def csv_table(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def exported(database, file_format: str = "csv", working_copies: bool = False) -> bytes:
    with database.session() as session:
        return export_spreadsheet(session, file_format, working_copies)


def row_of(table: list[list[str]], entry_id: str) -> list[str]:
    return next(list(row) for row in table if row[COL["id"]] == entry_id)


def test_export_csv_and_xlsx_hold_every_published_entry(database, tmp_path):
    csv_file, xlsx_file = tmp_path / "entries.csv", tmp_path / "entries.xlsx"
    csv_file.write_bytes(exported(database, "csv"))
    xlsx_file.write_bytes(exported(database, "xlsx"))
    with database.session() as session:
        published = {row.slug: row.published for row in published_rows(session)}
    assert csv_file.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese as UTF-8
    table = csv_table(csv_file.read_bytes())
    assert table[0] == LABELS and [row[COL["id"]] for row in table[1:]] == list(published)
    wage = row_of(table, "wage-unpaid-basic")
    record = published["wage-unpaid-basic"]
    assert wage[COL["questions"]].split("\n") == record["questions"]
    assert wage[COL["citations"]].split("\n") == [
        f"{c['law']}|{c['article']}|{c['quote']}" for c in record["citations"]
    ]
    assert wage[COL["state"]] == "已发布" and wage[COL["tags"]] == "、".join(record["tags"])
    guide = row_of(table, "guide-01-1")
    assert guide[COL["collection"]] == "guide" and guide[COL["issue"]] == "1" and guide[COL["risk"]]

    sheet = load_workbook(xlsx_file).worksheets[0]
    assert [cell.value for cell in sheet[1]] == LABELS and sheet.max_row == len(published) + 1
    assert sheet.freeze_panes == "A2" and all(cell.font.bold for cell in sheet[1])
    answer_column = get_column_letter(COL["answer"] + 1)
    assert sheet.column_dimensions[answer_column].width == COLUMNS[COL["answer"]].width
    questions = sheet.cell(2, COL["questions"] + 1)
    assert "\n" in questions.value and questions.alignment.wrap_text
    assert [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)] == [
        [int(value) if value.isdigit() else (value or None) for value in row] for row in table[1:]
    ]


@pytest.mark.parametrize("file_format, working_copies", [("csv", False), ("xlsx", False), ("xlsx", True)])
def test_importing_an_unchanged_export_creates_no_version(database, file_format, working_copies):
    with database.session() as session:  # a pending draft: the published export differs from its working copy
        row = workflow.get_entry(session, "wage-unpaid-basic")
        workflow.save_entry(
            session, user(database), row.slug, {**row.data, "title": "老板欠薪怎么办"}, row.lock_version
        )
    before = snapshot(database)
    report = import_spreadsheet(
        database, user(database), f"entries.{file_format}", exported(database, file_format, working_copies)
    )
    assert report.applied and not report.errors and not report.created and not report.updated
    assert len(report.unchanged) == report.entries == len(before["entries"])
    assert snapshot(database) == before


def test_a_valid_xlsx_import_makes_drafts_and_versions_through_the_workflow(database, tmp_path):
    path = tmp_path / "edited.xlsx"
    path.write_bytes(exported(database, "xlsx", working_copies=True))
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    target = next(row for row in sheet.iter_rows(min_row=2) if row[COL["id"]].value == "wage-unpaid-basic")
    target[COL["questions"]].value += "\n工资拖了半年了怎么要回来"  # a wrapped, multi-line cell
    sheet.append(new_row("wage-sheet-new", questions="试用期工资被拖欠怎么办\r\n\r\n试用期不发工资找谁"))
    workbook.save(path)
    before = snapshot(database)

    report = import_spreadsheet(database, user(database), path.name, path.read_bytes())

    assert report.applied and report.created == ["wage-sheet-new"] and report.updated == ["wage-unpaid-basic"]
    after = snapshot(database)
    assert after["versions"] == before["versions"] + 2
    state, data, published, _ = after["entries"]["wage-unpaid-basic"]
    assert state == "draft" and data["questions"][-1] == "工资拖了半年了怎么要回来"
    assert published == before["entries"]["wage-unpaid-basic"][2]  # still serving the old answer until approved
    state, data, published, _ = after["entries"]["wage-sheet-new"]
    assert state == "draft" and published is None
    assert data["questions"] == ["试用期工资被拖欠怎么办", "试用期不发工资找谁"]
    with database.session() as session:
        events = [
            (e.action, e.target, e.actor.username)
            for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(3))
        ]
    assert events == [
        ("import", "edited.xlsx", "editor"),
        ("create", "wage-sheet-new", "editor"),
        ("save", "wage-unpaid-basic", "editor"),
    ]


def test_one_bad_row_among_good_rows_changes_nothing_and_is_reported(database):
    table = csv_table(exported(database, "csv", working_copies=True))
    changed = row_of(table, "wage-unpaid-basic")
    changed[COL["title"]] = "老板欠薪怎么办"
    stale = row_of(table, "elderly-support-refuse")
    stale[COL["title"]] += "（改）"
    unversioned = row_of(table, "guide-01-1")
    unversioned[COL["risk"]] += "另有风险。"
    unversioned[COL["version"]] = ""
    with database.session() as session:  # a colleague saves the entry after the export
        row = workflow.get_entry(session, "elderly-support-refuse")
        workflow.save_entry(
            session, user(database, "editor2"), row.slug, {**row.data, "tags": ["赡养"]}, row.lock_version
        )
    rows = [
        table[0],
        new_row("wage-good-new"),
        changed,
        new_row("bad-area", area="labour"),
        new_row("bad-format", citations="劳动合同法 第三十条 向劳动者及时足额支付劳动报酬"),
        new_row("bad-quote", citations="劳动合同法|第三十条|用人单位可以随意扣发工资"),
        new_row("wage-good-new"),
        new_row("too-long", title="长" * 201),
        stale,
        unversioned,
    ]
    before = snapshot(database)

    report = import_spreadsheet(database, user(database), "mixed.csv", csv_bytes(rows))

    assert not report.applied and snapshot(database) == before
    errors = {error.row: error for error in report.errors}
    assert sorted(errors) == [4, 5, 6, 7, 8, 9, 10]
    assert errors[4].column == "领域" and "“labour”无效" in errors[4].reason
    assert errors[5].column == "法条引用" and "法规|条号|引文" in errors[5].reason
    assert errors[6].reason.startswith("法条引用无法核实") and "用人单位可以随意扣发工资" in errors[6].reason
    assert errors[7].column == "编号" and "第 2 行重复" in errors[7].reason
    assert errors[8].column == "标题" and "内容过长" in errors[8].reason
    assert "保存冲突" in errors[9].reason and "“版本”列" in errors[10].reason
    assert report.created == ["wage-good-new"] and report.updated == ["wage-unpaid-basic"]  # checked, then undone

    dry = import_spreadsheet(database, user(database), "good.csv", csv_bytes(rows[:3]), dry_run=True)
    assert dry.dry_run and not dry.applied and not dry.errors and dry.created == ["wage-good-new"]
    assert snapshot(database) == before


def test_formulas_are_neutralised_on_export_and_stay_text_on_import(database, tmp_path):
    with database.session() as session:
        workflow.create_entry(
            session,
            user(database),
            new_entry("wage-formula", title='=HYPERLINK("x","点我")', questions=["@SUM(A1) 工资", "+1 拖欠"]),
        )
    table = csv_table(exported(database, "csv", working_copies=True))
    cells = row_of(table, "wage-formula")
    assert cells[COL["title"]] == '\'=HYPERLINK("x","点我")' and cells[COL["questions"]].startswith("'@SUM")
    path = tmp_path / "formula.xlsx"
    path.write_bytes(exported(database, "xlsx", working_copies=True))
    sheet = load_workbook(path).worksheets[0]
    title = next(row for row in sheet.iter_rows(min_row=2) if row[COL["id"]].value == "wage-formula")[COL["title"]]
    assert title.value == '=HYPERLINK("x","点我")' and title.data_type == "s" and title.quotePrefix
    for name, content in (("f.csv", exported(database, "csv", True)), ("f.xlsx", path.read_bytes())):
        report = import_spreadsheet(database, user(database), name, content)
        assert "wage-formula" in report.unchanged and not report.updated

    workbook = Workbook()  # a formula typed into Excel is imported as its text, never evaluated
    workbook.active.append(LABELS)
    workbook.active.append(new_row("wage-typed-formula", title="=1+2"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = import_spreadsheet(database, user(database), "typed.xlsx", buffer.getvalue())
    assert report.applied and report.created == ["wage-typed-formula"]
    with database.session() as session:
        assert workflow.get_entry(session, "wage-typed-formula").data["title"] == "=1+2"


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("entries.txt", b"id,title\n", "不支持的文件类型"),
        ("entries.xls", b"\xd0\xcf\x11\xe0", "不支持的文件类型"),
        ("entries.csv", b"", "文件是空的"),
        ("entries.csv", b"\xef\xbb\xbf\r\n,,\r\n", "文件是空的"),
        ("entries.xlsx", b"not a zip file at all", "无法读取该 Excel 文件"),
        ("entries.csv", ",".join(LABELS).encode(), "只有表头"),
    ],
)
def test_a_wrong_or_empty_file_gets_a_clear_error(database, name, content, reason):
    before = snapshot(database)
    with pytest.raises(CurationError) as raised:
        import_spreadsheet(database, user(database), name, content)
    assert raised.value.status == 422 and reason in raised.value.message
    assert snapshot(database) == before


def test_a_header_with_missing_or_unknown_columns_is_reported_on_row_one(database):
    header = [label for label in LABELS if label != "法条引用"] + ["备注"]
    report = import_spreadsheet(database, user(database), "h.csv", csv_bytes([header, ["wage-x"]]))
    assert not report.applied
    assert {(e.row, e.column, e.reason) for e in report.errors} == {
        (1, "备注", "未知列“备注”，请删除该列或改用模板中的列名"),
        (1, "法条引用", "缺少必填列“法条引用”"),
    }


def test_a_gb18030_csv_saved_by_excel_with_trailing_empty_cells_imports(database):
    rows = [LABELS, new_row("wage-gbk-new") + ["", ""], new_row("wage-gbk-stray") + ["", "备注"]]
    content = csv_bytes(rows).decode("utf-8").encode("gb18030")
    report = import_spreadsheet(database, user(database), "excel.csv", content)
    assert [(e.row, e.column) for e in report.errors] == [(3, None)] and "没有列名" in report.errors[0].reason
    report = import_spreadsheet(database, user(database), "excel.csv", csv_bytes(rows[:2]).decode().encode("gb18030"))
    assert report.applied and report.created == ["wage-gbk-new"]


def test_api_exports_with_a_chinese_file_name_and_imports_for_editors_only(client, as_user):
    editor, reviewer = as_user("editor"), as_user("reviewer")
    assert client.get("/api/curation/export.csv").status_code == 401
    response = client.get("/api/curation/export.xlsx?all=true", headers=reviewer)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f"filename*=UTF-8''{quote('法润知识库-全部工作稿-')}" in response.headers["content-disposition"]
    assert load_workbook(io.BytesIO(response.content)).worksheets[0]["A1"].value == "编号"
    response = client.get("/api/curation/export.csv", headers=reviewer)
    assert response.headers["content-type"].startswith("text/csv") and response.content.startswith(b"\xef\xbb\xbf")
    assert client.get("/api/curation/export.pdf", headers=reviewer).status_code == 422

    good = csv_bytes([LABELS, new_row("wage-api-new")])
    upload = {"file": ("新条目.csv", good, "text/csv")}
    assert client.post("/api/curation/import", files=upload, headers=reviewer).status_code == 403
    dry = client.post("/api/curation/import", files=upload, data={"dry_run": "true"}, headers=editor)
    assert dry.status_code == 200 and dry.json()["created"] == ["wage-api-new"] and not dry.json()["applied"]
    assert client.get("/api/curation/entries/wage-api-new", headers=editor).status_code == 404
    done = client.post("/api/curation/import", files=upload, headers=editor)
    assert done.status_code == 200 and done.json()["applied"] and done.json()["file"] == "新条目.csv"
    assert client.get("/api/curation/entries/wage-api-new", headers=editor).json()["state"] == "draft"

    bad = csv_bytes([LABELS, new_row("wage-api-other"), new_row("wage-api-bad", area="")])
    failed = client.post("/api/curation/import", files={"file": ("bad.csv", bad, "text/csv")}, headers=editor)
    assert failed.status_code == 422 and "未导入任何内容" in failed.json()["detail"]
    assert failed.json()["errors"] == [{"row": 3, "column": "领域", "reason": failed.json()["errors"][0]["reason"]}]
    assert "未填写" in failed.json()["errors"][0]["reason"]
    assert client.get("/api/curation/entries/wage-api-other", headers=editor).status_code == 404
    huge = client.post(
        "/api/curation/import", files={"file": ("big.csv", b"x" * (MAX_BYTES + 1), "text/csv")}, headers=editor
    )
    assert huge.status_code == 413 and "文件过大" in huge.json()["detail"]


def test_cli_exports_and_imports_a_spreadsheet(tmp_path):
    out = tmp_path / "entries.xlsx"
    assert farun(tmp_path, "kb", "export", "--format", "xlsx", "--out", str(out)).returncode == 0
    assert farun(tmp_path, "admin", "create", "ed", "--role", "editor", password=PASSWORD).returncode == 0
    checked = farun(tmp_path, "kb", "import", str(out), "--as", "ed", "--dry-run")
    assert checked.returncode == 0, checked.stderr
    assert "仅检查，未保存" in checked.stdout and "错误 0" in checked.stdout
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([LABELS, new_row("wage-cli-new", citations="劳动合同法|第三十条")]))
    failed = farun(tmp_path, "kb", "import", str(bad), "--as", "ed")
    assert failed.returncode == 1 and "第 2 行（法条引用）" in failed.stderr and "未导入任何内容" in failed.stdout
    assert farun(tmp_path, "kb", "import", str(bad), "--as", "nobody").returncode == 1
