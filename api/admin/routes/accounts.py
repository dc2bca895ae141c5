"""Account pages (admins only): list staff, create an account with a role, change a role; each change is audited."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.admin.rendering import redirect, render
from api.admin.session import PATH, role_required
from api.curation import auth
from api.curation.errors import CurationError
from api.dependencies import db_session
from knowledge_base.store.models import AuditEvent, Role, User

router = APIRouter(prefix=PATH)
admin_only = role_required(Role.ADMIN)


def _page(
    request: Request, session: Session, error: str | None = None, form: dict | None = None, status_code: int = 200
) -> Response:
    users = list(session.scalars(select(User).order_by(User.username)))
    return render(
        request,
        "accounts.html",
        {
            "title": "账号",
            "users": users,
            "roles": list(Role),
            "error": error,
            "form": form or {"username": "", "role": Role.EDITOR.value},
        },
        status_code=status_code,
    )


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise CurationError(422, f"未知角色“{value}”") from None


@router.get("/accounts")
def accounts(request: Request, user: User = Depends(admin_only), session: Session = Depends(db_session)) -> Response:
    return _page(request, session)


@router.post("/accounts")
def create_account(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    role: str = Form(""),
    user: User = Depends(admin_only),
    session: Session = Depends(db_session),
) -> Response:
    try:
        created = auth.create_user(session, username, password, _role(role))
    except CurationError as exc:
        session.rollback()
        return _page(request, session, exc.message, {"username": username, "role": role}, exc.status)
    session.add(AuditEvent(actor_id=user.id, action="create_user", target=created.username, detail=created.role))
    session.commit()
    return redirect(f"{PATH}/accounts", "user_created")


@router.post("/accounts/{user_id}/role")
def change_role(
    user_id: int,
    request: Request,
    role: str = Form(""),
    user: User = Depends(admin_only),
    session: Session = Depends(db_session),
) -> Response:
    target = session.get(User, user_id)
    if target is None:
        raise CurationError(404, "账号不存在")
    try:
        new_role = _role(role)
        if target.id == user.id and new_role is not Role.ADMIN:
            raise CurationError(409, "不能取消自己的管理员权限，请由另一位管理员操作")
    except CurationError as exc:
        return _page(request, session, exc.message, status_code=exc.status)
    target.role = new_role.value
    session.add(AuditEvent(actor_id=user.id, action="change_role", target=target.username, detail=new_role.value))
    session.commit()
    return redirect(f"{PATH}/accounts", "role_changed")
