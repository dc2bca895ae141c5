"""Unanswered-question queue API under /api/curation/unanswered: grouped open questions and the staff actions.

Same bearer sign-in and error shape as the rest of the curation API. The list
is paged (``page`` from 1, ``page_size`` 1–100, default 20) and takes the
staff page's filters and sort (``queue_filters``). An action names one item
(its question is used) and may close further items with it: ``also`` names
them (at most 500), ``group`` (the item's group id) closes all of that
group's open questions that match the action's filters (the same query
parameters as the list; none: the whole group), however many.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from api.curation import unanswered
from api.curation.queue_contract import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    AttachRequest,
    DismissRequest,
    DraftCreate,
    DraftTemplate,
    GroupPage,
    QueueAction,
    Resolved,
)
from api.curation.queue_filters import QueueFilters
from api.curation.views import queue_page
from api.dependencies import current_user, db_session, question_embedder
from api.models import RowId
from knowledge_base.retrieval.embedder import Embedder
from knowledge_base.store.models import QueueStatus, User

router = APIRouter(prefix="/api/curation/unanswered", tags=["curation"])
Filters = Annotated[QueueFilters, Query()]


def _closing(session: Session, item_id: int, body: QueueAction, filters: QueueFilters) -> list[int]:
    """The items an action closes: the item, those in ``also`` and, with ``group``, its matching open members."""
    groups = [body.group] if body.group is not None else []
    return unanswered.with_groups(session, [item_id, *body.also], groups, filters.conditions())


@router.get("", response_model=GroupPage)
def list_groups(
    filters: Annotated[QueueFilters, Query()],
    page: int = Query(1, ge=1),
    page_size: int = Query(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
    user: User = Depends(current_user),
    session: Session = Depends(db_session),
    embedder: Embedder = Depends(question_embedder),
) -> GroupPage:
    return queue_page(session, embedder, filters, page, page_size)


@router.get("/{item_id}/draft", response_model=DraftTemplate)
def draft_template(
    item_id: RowId, user: User = Depends(current_user), session: Session = Depends(db_session)
) -> DraftTemplate:
    return DraftTemplate(data=unanswered.draft_template(unanswered.get_item(session, item_id)))


@router.post("/{item_id}/draft", response_model=Resolved, status_code=201)
def create_draft(
    item_id: RowId,
    body: DraftCreate,
    filters: Filters,
    user: User = Depends(current_user),
    session: Session = Depends(db_session),
) -> Resolved:
    closed = _closing(session, item_id, body, filters)
    row = unanswered.create_draft(session, user, closed, body.data)
    return Resolved(status=QueueStatus.DRAFTED, closed=closed, entry_id=row.slug, version=row.lock_version)


@router.post("/{item_id}/attach", response_model=Resolved)
def attach(
    item_id: RowId,
    body: AttachRequest,
    filters: Filters,
    user: User = Depends(current_user),
    session: Session = Depends(db_session),
) -> Resolved:
    closed = _closing(session, item_id, body, filters)
    row = unanswered.attach(session, user, closed, body.entry_id, body.version)
    return Resolved(status=QueueStatus.ATTACHED, closed=closed, entry_id=row.slug, version=row.lock_version)


@router.post("/{item_id}/dismiss", response_model=Resolved)
def dismiss(
    item_id: RowId,
    body: DismissRequest,
    filters: Filters,
    user: User = Depends(current_user),
    session: Session = Depends(db_session),
) -> Resolved:
    closed = _closing(session, item_id, body, filters)
    unanswered.dismiss(session, user, closed, body.reason)
    return Resolved(status=QueueStatus.DISMISSED, closed=closed)
