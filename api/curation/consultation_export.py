"""Export a consultation's responses as an Excel workbook for the legislative office.

One sheet per group of comments (整体意见 first, then each article in order,
named by its label, e.g. 第三条之一), one sheet 问卷 with a row per answered
questionnaire, and one sheet 报名 with a row per event sign-up. The styling and
the formula guard are the entry export's (``api.curation.spreadsheet_files``):
a text starting like a formula is stored as text with Excel's quote prefix.
"""

from __future__ import annotations

import io
import re
from datetime import date

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from sqlalchemy.orm import Session

from api.curation.local_time import to_beijing
from api.curation.masking import mask
from api.curation.spreadsheet_files import HEADER_FILL, HEADER_FONT, WRAP
from api.curation.spreadsheet_layout import is_formula_like
from knowledge_base.store import consultations as store

COMMENT_HEADER = ["编号", "提交时间（北京时间）", "渠道", "意见", "联系方式（经同意）", "处理结果", "理由"]
COMMENT_WIDTHS = [8, 20, 8, 60, 24, 12, 40]
SIGNUP_HEADER = ["活动", "时间", "地点", "称呼", "联系方式", "报名时间（北京时间）"]
SIGNUP_WIDTHS = [16, 18, 30, 12, 24, 20]
QUESTIONNAIRE_SHEET = "问卷"
SIGNUP_SHEET = "报名"
CHANNEL_NAMES = {"web": "网页", "wechat": "微信", "chat": "对话", "rasa": "对话"}
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def beijing(value) -> str:
    return to_beijing(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _sheet(workbook: Workbook, title: str, rows: list[list], widths: list[int]) -> None:
    sheet = workbook.create_sheet(_SHEET_FORBIDDEN.sub("", title)[:31])
    for row in rows:
        sheet.append(row)
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


def _comment_rows(comments: list[store.ConsultationComment]) -> list[list]:
    return [COMMENT_HEADER] + [
        [
            comment.id,
            beijing(comment.created_at),
            CHANNEL_NAMES.get(comment.channel, comment.channel),
            comment.text,
            mask(comment.contact or ""),  # contacts leave the admin pages masked, like every export
            store.HANDLING_NAMES.get(comment.handling or "", "未处理"),
            comment.reason or "",
        ]
        for comment in comments
    ]


def _questionnaire_rows(session: Session, consultation: store.Consultation) -> list[list]:
    questions = consultation.questions
    rows: list[list] = [["编号", "渠道", "更新时间（北京时间）", *(question.prompt for question in questions)]]
    for number, answer in enumerate(store.answer_rows(session, consultation), 1):
        values = []
        for question in questions:
            value = answer.answers.get(str(question.id), "")
            values.append("、".join(value) if isinstance(value, list) else str(value))
        rows.append([number, CHANNEL_NAMES.get(answer.channel, answer.channel), beijing(answer.updated_at), *values])
    return rows


def _signup_rows(session: Session, consultation: store.Consultation) -> list[list]:
    rows: list[list] = [SIGNUP_HEADER]
    for event in consultation.events:
        for signup in store.signups(session, event):
            rows.append(
                [
                    event.name,
                    f"{event.starts_at:%Y-%m-%d %H:%M}",
                    event.place,
                    signup.name,
                    mask(signup.contact or ""),
                    beijing(signup.created_at),
                ]
            )
    return rows


def export_workbook(session: Session, consultation: store.Consultation) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for group in store.comments_by_article(session, consultation):
        _sheet(workbook, group.label, _comment_rows(group.comments), COMMENT_WIDTHS)
    questions = len(consultation.questions)
    _sheet(workbook, QUESTIONNAIRE_SHEET, _questionnaire_rows(session, consultation), [8, 8, 20] + [24] * questions)
    _sheet(workbook, SIGNUP_SHEET, _signup_rows(session, consultation), SIGNUP_WIDTHS)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_filename(consultation: store.Consultation) -> str:
    return f"立法意见-{consultation.id}-{date.today():%Y%m%d}.xlsx"
