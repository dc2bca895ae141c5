"""Spreadsheets in the curation API: ``GET /api/curation/export.{csv,xlsx}`` and ``POST /api/curation/import``.

Both need ``Authorization: Bearer <token>``; exporting is open to every staff
role, importing to editors and admins. ``?all=true`` exports every entry's
working copy instead of the published entries. An import is a multipart upload
(field ``file``, optional ``dry_run``); it returns the report, or a 422 whose
body carries the same report with every failing row when nothing was saved.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Form, Query, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.curation.errors import CurationError
from api.curation.spreadsheet_files import FORMATS
from api.curation.spreadsheet_import import MAX_BYTES, ImportReport, import_spreadsheet
from api.curation.views import spreadsheet_download
from api.dependencies import curation_database, current_user, db_session
from knowledge_base.store.db import Database
from knowledge_base.store.models import User

router = APIRouter(prefix="/api/curation", tags=["curation"])


@router.get(
    "/export.{file_format}",
    response_class=Response,
    responses={200: {"content": {media_type: {} for media_type in FORMATS.values()}}},
)
def export(
    file_format: Literal["csv", "xlsx"],
    working_copies: bool = Query(False, alias="all", description="every entry's working copy"),
    user: User = Depends(current_user),
    session: Session = Depends(db_session),
) -> Response:
    return spreadsheet_download(session, file_format, working_copies)


@router.post(
    "/import",
    response_model=ImportReport,
    responses={422: {"description": "nothing was saved: the file or some rows failed (see errors)"}},
)
def import_file(
    file: UploadFile,
    dry_run: bool = Form(False),
    user: User = Depends(current_user),
    database: Database = Depends(curation_database),
) -> ImportReport:
    report = import_spreadsheet(database, user, file.filename or "", file.file.read(MAX_BYTES + 1), dry_run)
    if report.errors:
        raise CurationError(422, f"有 {len(report.errors)} 处问题，未导入任何内容", report.model_dump())
    return report
