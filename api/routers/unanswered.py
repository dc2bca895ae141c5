"""Unanswered-question queue API under /api/curation/unanswered: grouped open questions and the staff actions.

Same bearer sign-in and error shape as the rest of the curation API. An
action names one item (its question is used) and may close further items of
the same group with it (``also``).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from api.curation import unanswered
from api.curation.queue_contract import AttachRequest, DismissRequest, DraftCreate, DraftTemplate, GroupOut, Resolved
from api.curation.views import grouped
from api.dependencies import current_user, db_session, question_embedder
from knowledge_base.retrieval.embedder import Embedder
from knowledge_base.store.models import QueueStatus, User

router = APIRouter(prefix="/api/curation/unanswered", tags=["curation"])


@router.get("", response_model=list[GroupOut])
def list_groups(
    user: User = Depends(current_user),
    session: Session = Depends(db_session),
    embedder: Embedder = Depends(question_embedder),
) -> list[GroupOut]:
    return grouped(session, embedder)


@router.get("/{item_id}/draft", response_model=DraftTemplate)
def draft_template(
    item_id: int, user: User = Depends(current_user), session: Session = Depends(db_session)
) -> DraftTemplate:
    return DraftTemplate(data=unanswered.draft_template(unanswered.get_item(session, item_id)))


@router.post("/{item_id}/draft", response_model=Resolved, status_code=201)
def create_draft(
    item_id: int, body: DraftCreate, user: User = Depends(current_user), session: Session = Depends(db_session)
) -> Resolved:
    row = unanswered.create_draft(session, user, [item_id, *body.also], body.data)
    return Resolved(
        status=QueueStatus.DRAFTED, closed=[item_id, *body.also], entry_id=row.slug, version=row.lock_version
    )


@router.post("/{item_id}/attach", response_model=Resolved)
def attach(
    item_id: int, body: AttachRequest, user: User = Depends(current_user), session: Session = Depends(db_session)
) -> Resolved:
    row = unanswered.attach(session, user, [item_id, *body.also], body.entry_id, body.version)
    return Resolved(
        status=QueueStatus.ATTACHED, closed=[item_id, *body.also], entry_id=row.slug, version=row.lock_version
    )


@router.post("/{item_id}/dismiss", response_model=Resolved)
def dismiss(
    item_id: int, body: DismissRequest, user: User = Depends(current_user), session: Session = Depends(db_session)
) -> Resolved:
    unanswered.dismiss(session, user, [item_id, *body.also], body.reason)
    return Resolved(status=QueueStatus.DISMISSED, closed=[item_id, *body.also])
