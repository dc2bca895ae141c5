"""The unanswered-question page: grouped open questions, 20 groups a page, filters and sort, and the staff actions.

Filters (channel, area, kind, the days a question was last asked) and the sort
are the JSON API's (``api.curation.queue_filters``); every form and redirect
keeps them and the page number, so staff return to the list they were working
through. 转为新条目草稿 opens the entry editor pre-filled with the question
(nothing is saved until the editor saves, since a new entry needs an answer to
pass validation); saving creates the draft and closes the group's questions.
作为已有条目的问法 adds the question to the chosen entry's phrasings (a new
version, back to review); 忽略 closes the group with a reason, and the groups
ticked on the page can be dismissed together with one reason. All through
``api.curation.unanswered``, which audits each action.

A group shows its representative and at most ``OTHERS`` other wordings, so a
page weighs the same however large its groups are; the rest are listed on the
group's own page (``/unanswered/groups/{id}``, paged). The actions name the
group, not its members: the server closes the group's open questions that
match the list's filters (``unanswered.with_groups``), exactly those the list
stood for.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.admin.entry_form import data_to_fields
from api.admin.paging import PAGE_SIZE as MEMBERS_PAGE_SIZE
from api.admin.paging import page_query, page_url, paginate
from api.admin.rendering import redirect, render
from api.admin.routes.entries import editor_page, entry_data
from api.admin.session import PATH, staff_user
from api.curation import unanswered, unanswered_groups, workflow
from api.curation.errors import CurationError
from api.curation.field_labels import AREA_NAMES
from api.curation.queue_contract import PAGE_SIZE, UnansweredOut
from api.curation.queue_filters import CHANNEL_NAMES, SORT_NAMES, QueueFilters, matching_groups
from api.curation.views import groups_out
from api.dependencies import db_session, question_embedder
from api.models import INT64_MAX, RowId
from knowledge_base.retrieval.embedder import Embedder
from knowledge_base.store.models import EntryRow, User

router = APIRouter(prefix=PATH)
QUEUE = f"{PATH}/unanswered"
Filters = Annotated[QueueFilters, Query()]
OTHERS = 5  # other wordings shown under a group's representative


def _page(
    request: Request,
    session: Session,
    embedder: Embedder,
    user: User,
    filters: QueueFilters,
    number: int,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    groups = matching_groups(session, embedder, filters).showing(1 + OTHERS)
    page = paginate(groups, number, QUEUE, filters.params(), PAGE_SIZE)
    entries = session.execute(select(EntryRow.slug, EntryRow.data).order_by(EntryRow.position)).all()
    return render(
        request,
        "unanswered.html",
        {
            "title": "待解决问题",
            "page": page,
            "page_size": PAGE_SIZE,
            "groups": groups_out(session, page.rows),
            "filters": filters,
            "keep": page_url("", filters.params(), page.number),  # this list's query, for the forms' actions
            "filtered": page_url("", filters.params(), 1),  # the filters alone, for links to a group and its draft
            "error": error,
            "area_names": AREA_NAMES,
            "channel_names": CHANNEL_NAMES,
            "reason_names": unanswered.REASON_NAMES,
            "sort_names": SORT_NAMES,
            "entries": [(slug, data.get("title", "")) for slug, data in entries],
            "can_write": user.role in {role.value for role in workflow.WRITERS},
        },
        status_code=status_code,
    )


def _back(filters: QueueFilters, number: int, notice: str) -> Response:
    """Back to the list the action was taken on (same filters and page) with ``notice``."""
    return redirect(QUEUE, notice, **page_query(filters.params(), number))


@router.get("/unanswered")
def queue(
    request: Request,
    filters: Filters,
    page: int = 1,
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
    embedder: Embedder = Depends(question_embedder),
) -> Response:
    return _page(request, session, embedder, user, filters, page)


@router.get("/unanswered/groups/{group_id}")
def group_page(
    group_id: RowId,
    request: Request,
    filters: Filters,
    page: int = 1,
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
) -> Response:
    """Every open question of one group (those matching the list's filters), ``MEMBERS_PAGE_SIZE`` a page."""
    members = unanswered_groups.members(session, [group_id], filters.conditions())
    if not members:
        raise CurationError(404, "这组问题已处理完，或没有符合筛选条件的问题")
    path = f"{QUEUE}/groups/{group_id}"
    shown = paginate(members, page, path, filters.params(), MEMBERS_PAGE_SIZE)
    return render(
        request,
        "unanswered_group.html",
        {
            "title": "同组的问法",
            "page": shown,
            "items": [UnansweredOut.of(item, {}) for item in shown.rows],
            "representative": members[0].question,
            "times_asked": sum(item.count for item in members),
            "back": page_url(QUEUE, filters.params(), 1),
            "channel_names": CHANNEL_NAMES,
            "area_names": AREA_NAMES,
        },
    )


def _draft_action(item_id: int, group: int | None, filters: QueueFilters) -> str:
    """Where the pre-filled editor posts: this item, plus the (filtered) rest of its group to close with it."""
    query = {**filters.params(), **({"group": str(group)} if group else {})}
    return f"{QUEUE}/{item_id}/draft" + (f"?{urlencode(query)}" if query else "")


def _closing(session: Session, item_id: int, group: int | None, filters: QueueFilters) -> list[int]:
    """The item and, when a group is named, its group's open questions matching the list's filters."""
    return unanswered.with_groups(session, [item_id], [group] if group else [], filters.conditions())


@router.get("/unanswered/{item_id}/draft")
def draft_editor(
    item_id: int,
    request: Request,
    filters: Filters,
    group: int | None = Query(None, ge=1, le=INT64_MAX),
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
) -> Response:
    template = unanswered.draft_template(unanswered.get_item(session, item_id))
    return editor_page(
        request, user, None, data_to_fields(template), form_action=_draft_action(item_id, group, filters)
    )


@router.post("/unanswered/{item_id}/draft")
def create_draft(
    item_id: int,
    request: Request,
    filters: Filters,
    group: int | None = Query(None, ge=1, le=INT64_MAX),
    data: dict = Depends(entry_data),
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
) -> Response:
    try:
        row = unanswered.create_draft(session, user, _closing(session, item_id, group, filters), data)
    except CurationError as exc:
        session.rollback()
        return editor_page(
            request,
            user,
            None,
            data_to_fields(data),
            error=exc.message,
            status_code=exc.status,
            form_action=_draft_action(item_id, group, filters),
        )
    return redirect(f"{PATH}/entries/{row.slug}", "created")


@router.post("/unanswered/{item_id}/attach")
def attach(
    item_id: int,
    request: Request,
    filters: Filters,
    page: int = 1,
    entry_id: str = Form(""),
    group: int | None = Form(None, ge=1, le=INT64_MAX),
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
    embedder: Embedder = Depends(question_embedder),
) -> Response:
    try:
        row = workflow.get_entry(session, entry_id.strip())
        unanswered.attach(session, user, _closing(session, item_id, group, filters), row.slug, row.lock_version)
    except CurationError as exc:
        session.rollback()
        return _page(request, session, embedder, user, filters, page, exc.message, exc.status)
    return _back(filters, page, "unanswered_attached")


def _dismiss(
    request: Request,
    session: Session,
    embedder: Embedder,
    user: User,
    filters: QueueFilters,
    page: int,
    item_ids: list[int],
    groups: list[int],
    reason: str,
    notice: str,
) -> Response:
    """Dismiss the items and the groups' questions matching ``filters``, then back to the list."""
    try:
        if not item_ids and not groups:
            raise CurationError(422, "请先勾选要忽略的问题组")
        closing = unanswered.with_groups(session, item_ids, groups, filters.conditions())
        unanswered.dismiss(session, user, closing, reason)
    except CurationError as exc:
        session.rollback()
        return _page(request, session, embedder, user, filters, page, exc.message, exc.status)
    return _back(filters, page, notice)


@router.post("/unanswered/{item_id}/dismiss")
def dismiss(
    item_id: int,
    request: Request,
    filters: Filters,
    page: int = 1,
    reason: str = Form(""),
    group: int | None = Form(None, ge=1, le=INT64_MAX),
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
    embedder: Embedder = Depends(question_embedder),
) -> Response:
    groups = [group] if group else []
    return _dismiss(request, session, embedder, user, filters, page, [item_id], groups, reason, "unanswered_dismissed")


def _ticked_groups(values: list[str]) -> list[int]:
    """The ticked groups: each checkbox's value is its group's id."""
    try:
        group_ids = [int(value) for value in values]
    except ValueError:
        group_ids = [0]
    if not all(0 < group_id <= INT64_MAX for group_id in group_ids):
        raise CurationError(422, "所选的问题组无效，请刷新页面后重新勾选")
    return group_ids


@router.post("/unanswered/dismiss")
def dismiss_selected(
    request: Request,
    filters: Filters,
    page: int = 1,
    reason: str = Form(""),
    group: list[str] = Form([]),
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
    embedder: Embedder = Depends(question_embedder),
) -> Response:
    """Dismiss every ticked group (its questions matching the list's filters) with one reason."""
    groups = _ticked_groups(group)
    return _dismiss(
        request, session, embedder, user, filters, page, [], groups, reason, "unanswered_dismissed_selected"
    )
