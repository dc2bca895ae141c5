"""Spreadsheets in the curation API: ``GET /api/curation/export.{csv,xlsx}`` and ``POST /api/curation/import``.

Both need ``Authorization: Bearer <token>``; exporting is open to every staff
role, importing to editors and admins. ``?all=true`` exports every entry's
working copy instead of the published entries. An import is a multipart upload
(field ``file``, optional ``dry_run``); it returns the report, or a 422 whose
body carries the same report with every failing row when nothing was saved.
"""
from __future__ import annotations

from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.curation.db import Database
from api.curation.errors import CurationError
from api.curation.models import User
from api.curation.spreadsheet_export import export_filename, export_spreadsheet
from api.curation.spreadsheet_files import FORMATS
from api.curation.spreadsheet_import import MAX_BYTES, ImportReport, import_spreadsheet
from api.routers.curation import current_user, db_session

router = APIRouter(prefix="/api/curation", tags=["curation"])


def curation_database(request: Request) -> Database:
    return request.app.state.curation_db


def attachment(filename: str, fallback: str) -> str:
    """A Content-Disposition value that keeps a Chinese file name (RFC 6266) with an ASCII fallback."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def spreadsheet_download(session: Session, file_format: str, working_copies: bool) -> Response:
    """The exported spreadsheet as a download (also served by the admin import page)."""
    content = export_spreadsheet(session, file_format, working_copies)
    disposition = attachment(export_filename(file_format, working_copies), f"farun-entries.{file_format}")
    return Response(content, media_type=FORMATS[file_format], headers={"Content-Disposition": disposition})


@router.get("/export.{file_format}", response_class=Response,
            responses={200: {"content": {media_type: {} for media_type in FORMATS.values()}}})
def export(file_format: Literal["csv", "xlsx"],
           working_copies: bool = Query(False, alias="all", description="every entry's working copy"),
           user: User = Depends(current_user), session: Session = Depends(db_session)) -> Response:
    return spreadsheet_download(session, file_format, working_copies)


@router.post("/import", response_model=ImportReport,
             responses={422: {"description": "nothing was saved: the file or some rows failed (see errors)"}})
def import_file(file: UploadFile, dry_run: bool = Form(False), user: User = Depends(current_user),
                database: Database = Depends(curation_database)) -> ImportReport:
    report = import_spreadsheet(database, user, file.filename or "", file.file.read(MAX_BYTES + 1), dry_run)
    if report.errors:
        raise CurationError(422, f"有 {len(report.errors)} 处问题，未导入任何内容", report.model_dump())
    return report
