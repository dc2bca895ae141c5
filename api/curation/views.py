"""View builders shared by the JSON API and the staff pages: the grouped queue, dashboard figures, spreadsheet downloads."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.curation import analytics, unanswered
from api.curation.queue_contract import DashboardOut, GroupOut
from api.curation.spreadsheet_export import export_filename, export_spreadsheet
from api.curation.spreadsheet_files import FORMATS
from knowledge_base.retrieval.embedder import Embedder


def grouped(session: Session, embedder: Embedder) -> list[GroupOut]:
    """The open unanswered questions, similar ones grouped, with the titles of their candidate entries."""
    groups = unanswered.open_groups(session, embedder)
    titles = unanswered.entry_titles(session, {c["id"] for g in groups for item in g.members for c in item.candidates})
    return [GroupOut.of(group, titles) for group in groups]


def dashboard_figures(session: Session, embedder: Embedder, days: int) -> DashboardOut:
    topics = unanswered.top_topics(unanswered.open_groups(session, embedder))
    return DashboardOut.of(analytics.dashboard(session, days), topics)


def attachment(filename: str, fallback: str) -> str:
    """A Content-Disposition value that keeps a Chinese file name (RFC 6266) with an ASCII fallback."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def spreadsheet_download(session: Session, file_format: str, working_copies: bool) -> Response:
    """The exported spreadsheet as a download (the JSON API and the admin import page)."""
    content = export_spreadsheet(session, file_format, working_copies)
    disposition = attachment(export_filename(file_format, working_copies), f"farun-entries.{file_format}")
    return Response(content, media_type=FORMATS[file_format], headers={"Content-Disposition": disposition})
