"""Export entries to a CSV or XLSX spreadsheet: the published entries, or every entry's working copy.

The published export is what the bot serves; the working-copy export
(``working_copies=True``) holds drafts and entries in review too and is the
one to edit and import back. Rows follow the knowledge base's order and the
layout of ``spreadsheet_layout``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.curation.spreadsheet_files import write_csv, write_xlsx
from api.curation.spreadsheet_layout import COLUMNS, header, record_cells
from knowledge_base.store.export import published_rows
from knowledge_base.store.models import EntryRow


def export_table(session: Session, working_copies: bool = False) -> list[list[str | int]]:
    """The header row and one row per entry."""
    if working_copies:
        pairs = [(row, row.data) for row in session.scalars(select(EntryRow).order_by(EntryRow.position))]
    else:
        pairs = [(row, row.published) for row in published_rows(session)]
    return [header()] + [record_cells(record, row.state, row.lock_version) for row, record in pairs]


def export_spreadsheet(session: Session, file_format: str, working_copies: bool = False) -> bytes:
    """The file's bytes; ``file_format`` is ``csv`` or ``xlsx``."""
    table = export_table(session, working_copies)
    if file_format == "csv":
        return write_csv(table)
    title = "全部条目（工作稿）" if working_copies else "已发布条目"
    return write_xlsx(table, [column.width for column in COLUMNS], title)


def export_filename(file_format: str, working_copies: bool = False) -> str:
    kind = "全部工作稿" if working_copies else "已发布"
    return f"法润知识库-{kind}-{date.today():%Y%m%d}.{file_format}"
