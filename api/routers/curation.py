"""Curation JSON API under /api/curation: login, accounts, entries and their workflow, versions, audit log.

Every route but login needs ``Authorization: Bearer <token>``. Errors come
back as ``{"detail": "<Chinese message>", ...}`` with the status the
workflow chose (401/403/404/409/422/429).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.curation import auth, workflow
from api.curation.contract import (
    AuditOut,
    DiffOut,
    EntryCreate,
    EntryOut,
    EntrySave,
    EntrySummary,
    LoginRequest,
    TokenResponse,
    Transition,
    UserCreate,
    UserOut,
    VersionOut,
)
from api.curation.errors import CurationError
from api.curation.login_throttle import LoginThrottle
from api.dependencies import bearer_token, client_address, current_user, db_session, login_throttle
from api.models import INT64_MAX
from knowledge_base.store.models import AuditEvent, EntryRow, Role, State, User

router = APIRouter(prefix="/api/curation", tags=["curation"])


def _summary(row: EntryRow) -> dict:
    return {
        "id": row.slug,
        "title": row.data.get("title", ""),
        "state": row.state,
        "version": row.lock_version,
        "served": row.published is not None,
        "updated_at": row.updated_at,
    }


def _entry_out(row: EntryRow) -> EntryOut:
    return EntryOut(**_summary(row), data=row.data, published=row.published, review_comment=row.review_comment)


@router.post("/login", response_model=TokenResponse)
def login(
    body: LoginRequest,
    session: Session = Depends(db_session),
    client: str = Depends(client_address),
    throttle: LoginThrottle = Depends(login_throttle),
) -> TokenResponse:
    token = auth.login(session, body.username, body.password, client, throttle)
    user = auth.user_for_token(session, token)
    return TokenResponse(token=token, username=user.username, role=user.role)


@router.post("/logout", status_code=204)
def logout(token: str = Depends(bearer_token), session: Session = Depends(db_session)) -> None:
    auth.logout(session, token)


@router.post("/users", response_model=UserOut, status_code=201)
def create_user(
    body: UserCreate, user: User = Depends(current_user), session: Session = Depends(db_session)
) -> UserOut:
    auth.require_role(user, Role.ADMIN)
    created = auth.create_user(session, body.username, body.password, body.role)
    session.add(AuditEvent(actor_id=user.id, action="create_user", target=created.username, detail=created.role))
    session.commit()
    return UserOut(id=created.id, username=created.username, role=created.role)


@router.get("/entries", response_model=list[EntrySummary])
def list_entries(
    state: State | None = None, user: User = Depends(current_user), session: Session = Depends(db_session)
) -> list[dict]:
    query = select(EntryRow).order_by(EntryRow.position)
    if state is not None:
        query = query.where(EntryRow.state == state.value)
    return [_summary(row) for row in session.scalars(query)]


@router.post("/entries", response_model=EntryOut, status_code=201)
def create_entry(
    body: EntryCreate, user: User = Depends(current_user), session: Session = Depends(db_session)
) -> EntryOut:
    return _entry_out(workflow.create_entry(session, user, body.data))


@router.get("/entries/{slug}", response_model=EntryOut)
def get_entry(slug: str, user: User = Depends(current_user), session: Session = Depends(db_session)) -> EntryOut:
    return _entry_out(workflow.get_entry(session, slug))


@router.put("/entries/{slug}", response_model=EntryOut)
def save_entry(
    slug: str, body: EntrySave, user: User = Depends(current_user), session: Session = Depends(db_session)
) -> EntryOut:
    return _entry_out(workflow.save_entry(session, user, slug, body.data, body.version))


@router.post("/entries/{slug}/{action}", response_model=EntryOut)
def transition(
    slug: str, action: str, body: Transition, user: User = Depends(current_user), session: Session = Depends(db_session)
) -> EntryOut:
    if action == "reject":
        return _entry_out(workflow.reject(session, user, slug, body.version, body.comment))
    actions = {"submit": workflow.submit, "approve": workflow.approve, "archive": workflow.archive}
    if action not in actions:
        raise CurationError(404, f"未知操作“{action}”")
    return _entry_out(actions[action](session, user, slug, body.version))


@router.get("/entries/{slug}/versions", response_model=list[VersionOut])
def versions(slug: str, user: User = Depends(current_user), session: Session = Depends(db_session)) -> list[VersionOut]:
    row = workflow.get_entry(session, slug)
    return [
        VersionOut(
            number=v.number, author=v.author.username if v.author else None, created_at=v.created_at, data=v.data
        )
        for v in row.versions
    ]


@router.get("/entries/{slug}/diff", response_model=DiffOut)
def diff(
    slug: str,
    first: int = Query(ge=1, le=INT64_MAX),
    second: int = Query(ge=1, le=INT64_MAX),
    user: User = Depends(current_user),
    session: Session = Depends(db_session),
) -> DiffOut:
    row = workflow.get_entry(session, slug)
    return DiffOut(first=first, second=second, diff=workflow.diff_versions(row, first, second))


@router.get("/audit", response_model=list[AuditOut])
def audit_log(
    target: str | None = None,
    limit: int = Query(200, ge=1, le=500, description="how many of the latest events"),
    user: User = Depends(current_user),
    session: Session = Depends(db_session),
) -> list[AuditOut]:
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if target is not None:
        query = query.where(AuditEvent.target == target)
    return [
        AuditOut(
            at=e.at, actor=e.actor.username if e.actor else None, action=e.action, target=e.target, detail=e.detail
        )
        for e in session.scalars(query)
    ]


async def _curation_error(_request: Request, exc: CurationError) -> JSONResponse:
    return JSONResponse({"detail": exc.message, **exc.extra}, status_code=exc.status, headers=exc.headers)


def install(app: FastAPI) -> None:
    """Mount the curation API on ``app`` with its sign-in throttle (shared with the staff pages' sign-in);
    ``app.state.curation_db`` must hold the ``Database`` before requests."""
    app.include_router(router)
    app.add_exception_handler(CurationError, _curation_error)
    app.state.login_throttle = LoginThrottle()
