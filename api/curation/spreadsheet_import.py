"""Import entries from a CSV or XLSX spreadsheet through the review workflow, all rows or none.

Every row is read and checked first: the layout (columns, choices, numbers,
citation lines, lengths, ids unique within the file), then the workflow
itself in one database transaction — a new id becomes a draft
(``workflow.create_entry``), a changed existing entry a new version of its
working copy (``workflow.save_entry``, validated, audited, locked against the
exported version); nothing is published, a reviewer still approves. A row equal
to the entry's working copy or published copy is left alone, so importing an
unchanged export creates no version. If any row fails, or on a dry run, the
transaction is rolled back and the report lists each failing row (spreadsheet
row number, header = row 1), its column when known, and the reason in Chinese; a
quote not found in its article (「引文不在条文中」) comes with that article's text.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pydantic import BaseModel, Field
from sqlalchemy import Transaction, select
from sqlalchemy.orm import Session

from api.curation import workflow
from api.curation.auth import require_role
from api.curation.errors import CurationError
from api.curation.spreadsheet_files import read_table
from api.curation.spreadsheet_layout import CellError, match_header, parse_cells
from api.curation.statute_picker import ArticleText, misquoted
from knowledge_base.store.db import Database
from knowledge_base.store.models import AuditEvent, EntryRow, User

MAX_BYTES = 5 * 1024 * 1024
OUTCOME_LABELS = {"created": "新建", "updated": "修改", "unchanged": "未变"}


class RowError(BaseModel):
    row: int = Field(description="spreadsheet row number; the header is row 1")
    column: str | None = Field(default=None, description="column label, when the problem is in one cell")
    reason: str
    articles: list[ArticleText] = Field(
        default_factory=list,
        exclude=True,  # for the staff page only: the JSON report keeps its shape
        description="the articles whose quotes were refused, with their text to quote from",
    )


class ImportReport(BaseModel):
    file: str
    dry_run: bool
    applied: bool = Field(description="whether the changes were saved (never on a dry run or with errors)")
    entries: int = Field(description="entry rows read")
    created: list[str] = Field(description="ids of the new drafts")
    updated: list[str] = Field(description="ids that got a new version of their working copy")
    unchanged: list[str]
    errors: list[RowError]


ParsedRow = tuple[int, dict, int | None]


def _row_errors(number: int, errors: list[CellError]) -> list[RowError]:
    return [RowError(row=number, column=error.column, reason=error.reason) for error in errors]


def parse_table(table: list[list[str]]) -> tuple[list[ParsedRow], list[RowError]]:
    """The rows that could be read as records (row number, record, exported version) and every problem found."""
    if not any(any(cells) for cells in table):
        raise CurationError(422, "上传的文件是空的")
    columns, header_errors = match_header(table[0])
    if header_errors:
        return [], _row_errors(1, header_errors)
    parsed, errors, first_row = [], [], {}
    for number, cells in enumerate(table[1:], 2):
        if not any(cells):
            continue
        stray = any(value for index, value in enumerate(cells) if index >= len(columns) or columns[index] is None)
        record, version, problems = parse_cells({column.key: value for value, column in zip(cells, columns) if column})
        if stray:
            problems.append(CellError(None, "有内容写在了没有列名的列里，请删除或补上列名"))
        if record["id"] in first_row:
            problems.append(CellError("编号", f"编号“{record['id']}”与第 {first_row[record['id']]} 行重复"))
        first_row.setdefault(record["id"], number)
        errors += _row_errors(number, problems)
        if not problems:
            parsed.append((number, record, version))
    if not first_row:
        raise CurationError(422, "文件中只有表头，没有条目")
    return parsed, errors


@contextmanager
def _one_transaction(database: Database) -> Iterator[tuple[Session, Transaction]]:
    """A session whose commits (the workflow commits each change) only end savepoints of the yielded transaction.

    Whatever the caller does not commit is rolled back when the connection closes.
    """
    with database.engine.connect() as connection:
        outer = connection.begin()
        if connection.dialect.name == "sqlite":
            # pysqlite only opens a transaction before DML, so the workflow's first SAVEPOINT would become the
            # outermost transaction and releasing it would commit; an explicit BEGIN keeps everything in `outer`.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        with Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as session:
            yield session, outer


def _apply(session: Session, actor: User, record: dict, version: int | None) -> str:
    """Save one record through the workflow; returns ``created``, ``updated`` or ``unchanged``."""
    row = session.scalar(select(EntryRow).where(EntryRow.slug == record["id"]))
    if row is None:
        workflow.create_entry(session, actor, record)
        return "created"
    if workflow.validate_data(session, record) in (row.data, row.published):
        return "unchanged"
    if version is None:
        raise CurationError(422, "修改已有条目需要“版本”列的值，请在最新导出的表格上修改后再导入")
    workflow.save_entry(session, actor, row.slug, record, version)
    return "updated"


def import_spreadsheet(
    database: Database, actor: User, filename: str, content: bytes, dry_run: bool = False
) -> ImportReport:
    """Check every row and, unless ``dry_run`` or any row fails, save them all; the report says what happened."""
    require_role(actor, *workflow.WRITERS)
    if len(content) > MAX_BYTES:
        raise CurationError(413, f"文件过大（最大 {MAX_BYTES // (1024 * 1024)} MB）")
    table = read_table(filename, content)
    parsed, errors = parse_table(table)
    outcomes: dict[str, list[str]] = {key: [] for key in OUTCOME_LABELS}
    with _one_transaction(database) as (session, outer):
        for number, record, version in parsed:
            try:
                outcomes[_apply(session, actor, record, version)].append(record["id"])
            except CurationError as exc:
                errors.append(RowError(row=number, reason=exc.message, articles=misquoted(record)))
        applied = not errors and not dry_run
        if applied:
            if outcomes["created"] or outcomes["updated"]:
                counts = "，".join(f"{label} {len(outcomes[key])} 条" for key, label in OUTCOME_LABELS.items())
                session.add(
                    AuditEvent(actor_id=actor.id, action="import", target=filename[:100], detail=f"表格导入：{counts}")
                )
            session.commit()
            outer.commit()
    errors.sort(key=lambda error: error.row)
    return ImportReport(
        file=filename,
        dry_run=dry_run,
        applied=applied,
        entries=sum(1 for cells in table[1:] if any(cells)),
        **outcomes,
        errors=errors,
    )
