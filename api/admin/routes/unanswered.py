"""The unanswered-question page: grouped open questions with their candidates, and the three staff actions.

转为新条目草稿 opens the entry editor pre-filled with the question (nothing is
saved until the editor saves, since a new entry needs an answer to pass
validation); saving creates the draft and closes the group's questions.
作为已有条目的问法 adds the question to the chosen entry's phrasings (a new
version, back to review); 忽略 closes the group with a reason. All through
``api.curation.unanswered``, which audits each action.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.admin.entry_form import data_to_fields
from api.admin.rendering import redirect, render
from api.admin.routes.entries import editor_page, entry_data
from api.admin.session import PATH, staff_user
from api.curation import unanswered, workflow
from api.curation.errors import CurationError
from api.curation.field_labels import AREA_NAMES
from api.curation.views import grouped
from api.dependencies import db_session, question_embedder
from knowledge_base.retrieval.embedder import Embedder
from knowledge_base.store.models import EntryRow, User

router = APIRouter(prefix=PATH)


def _page(
    request: Request, session: Session, embedder: Embedder, user: User, error: str | None = None, status_code: int = 200
) -> Response:
    entries = session.execute(select(EntryRow.slug, EntryRow.data).order_by(EntryRow.position)).all()
    return render(
        request,
        "unanswered.html",
        {
            "title": "待解决问题",
            "groups": grouped(session, embedder),
            "error": error,
            "area_names": AREA_NAMES,
            "entries": [(slug, data.get("title", "")) for slug, data in entries],
            "can_write": user.role in {role.value for role in workflow.WRITERS},
        },
        status_code=status_code,
    )


@router.get("/unanswered")
def queue(
    request: Request,
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
    embedder: Embedder = Depends(question_embedder),
) -> Response:
    return _page(request, session, embedder, user)


def _draft_action(item_id: int, also: list[int]) -> str:
    """Where the pre-filled editor posts: this item, plus the rest of its group to close with it."""
    return f"{PATH}/unanswered/{item_id}/draft" + (f"?{urlencode({'also': also}, doseq=True)}" if also else "")


@router.get("/unanswered/{item_id}/draft")
def draft_editor(
    item_id: int,
    request: Request,
    also: list[int] = Query([]),
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
) -> Response:
    template = unanswered.draft_template(unanswered.get_item(session, item_id))
    return editor_page(request, user, None, data_to_fields(template), form_action=_draft_action(item_id, also))


@router.post("/unanswered/{item_id}/draft")
def create_draft(
    item_id: int,
    request: Request,
    also: list[int] = Query([]),
    data: dict = Depends(entry_data),
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
) -> Response:
    try:
        row = unanswered.create_draft(session, user, [item_id, *also], data)
    except CurationError as exc:
        session.rollback()
        return editor_page(
            request,
            user,
            None,
            data_to_fields(data),
            error=exc.message,
            status_code=exc.status,
            form_action=_draft_action(item_id, also),
        )
    return redirect(f"{PATH}/entries/{row.slug}", "created")


@router.post("/unanswered/{item_id}/attach")
def attach(
    item_id: int,
    request: Request,
    entry_id: str = Form(""),
    also: list[int] = Form([]),
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
    embedder: Embedder = Depends(question_embedder),
) -> Response:
    try:
        row = workflow.get_entry(session, entry_id.strip())
        unanswered.attach(session, user, [item_id, *also], row.slug, row.lock_version)
    except CurationError as exc:
        session.rollback()
        return _page(request, session, embedder, user, exc.message, exc.status)
    return redirect(f"{PATH}/unanswered", "unanswered_attached")


@router.post("/unanswered/{item_id}/dismiss")
def dismiss(
    item_id: int,
    request: Request,
    reason: str = Form(""),
    also: list[int] = Form([]),
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
    embedder: Embedder = Depends(question_embedder),
) -> Response:
    try:
        unanswered.dismiss(session, user, [item_id, *also], reason)
    except CurationError as exc:
        session.rollback()
        return _page(request, session, embedder, user, exc.message, exc.status)
    return redirect(f"{PATH}/unanswered", "unanswered_dismissed")
