"""View builders shared by the JSON API and the staff pages: the grouped queue, dashboard figures, spreadsheet downloads."""

from __future__ import annotations

import math
from urllib.parse import quote

from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.curation import analytics, unanswered
from api.curation.grouping import Group
from api.curation.queue_contract import DashboardOut, GroupOut, GroupPage
from api.curation.queue_filters import QueueFilters, matching_groups
from api.curation.spreadsheet_export import export_filename, export_spreadsheet
from api.curation.spreadsheet_files import FORMATS
from knowledge_base.retrieval.embedder import Embedder
from knowledge_base.store.models import UnansweredItem


def groups_out(session: Session, groups: list[Group[UnansweredItem]]) -> list[GroupOut]:
    """Queue groups as shown to staff, with the titles of their candidate entries."""
    titles = unanswered.entry_titles(session, {c["id"] for g in groups for item in g.members for c in item.candidates})
    return [GroupOut.of(group, titles) for group in groups]


def queue_page(session: Session, embedder: Embedder, filters: QueueFilters, page: int, page_size: int) -> GroupPage:
    """Page ``page`` (from 1) of the open groups matching ``filters``, ``page_size`` groups a page."""
    groups = matching_groups(session, embedder, filters)
    return GroupPage(
        total=len(groups),
        page=page,
        page_size=page_size,
        pages=max(1, math.ceil(len(groups) / page_size)),
        groups=groups_out(session, groups[(page - 1) * page_size : page * page_size]),
    )


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
