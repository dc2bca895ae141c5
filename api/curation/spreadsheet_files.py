"""Read and write tables of cells as CSV or Excel (.xlsx) files, safely for spreadsheet programs.

CSV is written as UTF-8 with a byte-order mark so Excel shows Chinese
correctly, and read as UTF-8 or, failing that, GB18030 (what Excel on a
Chinese Windows saves). XLSX is written with openpyxl: a styled, frozen header
row, column widths, wrapped text. Text that starts like a formula (= + - @)
is neutralised: an apostrophe in CSV, a text cell with Excel's quote prefix in
XLSX. Reading returns every row as stripped cell texts; a file that is not a
readable CSV or XLSX, is empty or too long is a ``CurationError`` (422) with a
Chinese message.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from api.curation.errors import CurationError
from api.curation.spreadsheet_layout import is_formula_like, neutralise

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_ROWS = 5000
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
WRAP = Alignment(wrap_text=True, vertical="top")

Row = Sequence[str | int]


def write_csv(rows: list[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([neutralise(value) if isinstance(value, str) else value for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def write_xlsx(rows: list[Row], widths: list[int], title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for cells in sheet.iter_rows():
        for cell in cells:
            cell.alignment = WRAP
            if isinstance(cell.value, str) and is_formula_like(cell.value):
                cell.data_type = "s"  # openpyxl took it for a formula; store it as text
                cell.quotePrefix = True
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for number, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _limited(rows) -> list[list[str]]:
    table = []
    for row in rows:
        if len(table) > MAX_ROWS:
            raise CurationError(422, f"文件行数过多，一次最多导入 {MAX_ROWS} 行")
        table.append([_text(value) for value in row])
    return table


def _read_csv(content: bytes) -> list[list[str]]:
    for encoding in CSV_ENCODINGS:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        try:
            return _limited(csv.reader(io.StringIO(text, newline="")))
        except csv.Error as exc:
            raise CurationError(422, f"CSV 文件格式有误，无法读取：{exc}") from None
    raise CurationError(422, "CSV 文件的编码无法识别，请另存为“CSV UTF-8”格式")


def _read_xlsx(content: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise CurationError(422, "无法读取该 Excel 文件，请确认是 .xlsx 格式（旧版 .xls 请先另存为 .xlsx）") from None
    try:
        return _limited(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


def read_table(filename: str, content: bytes) -> list[list[str]]:
    """Every row of the file's (first) sheet as stripped cell texts, blank rows included."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in FORMATS:
        raise CurationError(422, f"不支持的文件类型“{filename}”，请上传 .csv 或 .xlsx 文件")
    if not content.strip():
        raise CurationError(422, "上传的文件是空的")
    return _read_csv(content) if suffix == "csv" else _read_xlsx(content)
