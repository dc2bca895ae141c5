"""The import/export page (/admin/import): download the entries as CSV or Excel, upload a spreadsheet to import.

Every staff role may download the published entries or every working copy;
editors and admins may upload. An upload (optionally a dry run that only
checks) goes through ``import_spreadsheet`` and the page shows its report:
the new drafts and new versions, or every failing row with its column and
reason — in which case nothing was saved.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Form, Query, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.admin.rendering import render
from api.admin.session import PATH, role_required, staff_user
from api.curation.errors import CurationError
from api.curation.spreadsheet_import import MAX_BYTES, ImportReport, import_spreadsheet
from api.curation.views import spreadsheet_download
from api.curation.workflow import WRITERS
from api.dependencies import curation_database, db_session
from knowledge_base.store.db import Database
from knowledge_base.store.models import User

router = APIRouter(prefix=PATH)
writers = role_required(*WRITERS)


def _page(
    request: Request, user: User, report: ImportReport | None = None, error: str | None = None, status_code: int = 200
) -> Response:
    return render(
        request,
        "import.html",
        {
            "title": "导入导出",
            "report": report,
            "error": error,
            "max_mb": MAX_BYTES // (1024 * 1024),
            "can_import": user.role in {role.value for role in WRITERS},
        },
        status_code=status_code,
    )


@router.get("/import")
def import_page(request: Request, user: User = Depends(staff_user)) -> Response:
    return _page(request, user)


@router.get("/import/export.{file_format}")
def download(
    file_format: Literal["csv", "xlsx"],
    working_copies: bool = Query(False, alias="all"),
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
) -> Response:
    return spreadsheet_download(session, file_format, working_copies)


@router.post("/import")
def upload(
    request: Request,
    file: UploadFile | None = None,
    dry_run: bool = Form(False),
    user: User = Depends(writers),
    database: Database = Depends(curation_database),
) -> Response:
    if file is None or not file.filename:
        return _page(request, user, error="请选择要导入的 .csv 或 .xlsx 文件", status_code=422)
    try:
        report = import_spreadsheet(database, user, file.filename, file.file.read(MAX_BYTES + 1), dry_run)
    except CurationError as exc:
        return _page(request, user, error=exc.message, status_code=exc.status)
    return _page(request, user, report, status_code=422 if report.errors else 200)
