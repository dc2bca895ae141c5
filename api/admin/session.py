"""Staff sign-in for the admin pages: a login-token cookie and the dependencies that read it.

The cookie ``farun_admin_session`` carries a token made by
``api.curation.auth.login`` (httponly, SameSite=Lax, path /admin, Secure over
HTTPS). ``staff_user`` returns the signed-in ``User`` or sends the browser to
``/admin/login?next=…``; ``role_required(...)`` additionally answers a Chinese
403 page when the user's role is not one of those named.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from fastapi import Depends, Request, Response
from sqlalchemy.orm import Session

from api.curation import auth
from api.dependencies import db_session
from knowledge_base.store.models import Role, User

COOKIE = "farun_admin_session"
PATH = "/admin"


class LoginRequired(Exception):
    """Raised by ``staff_user`` when nobody (or an expired token) is signed in; answered with a redirect."""

    def __init__(self, next_url: str):
        super().__init__(next_url)
        self.location = f"{PATH}/login?{urlencode({'next': next_url})}"


def safe_next(next_url: str | None) -> str:
    """Where to go after signing in: only a path inside the admin pages, never another site."""
    if next_url and next_url.startswith(f"{PATH}/") and not next_url.startswith("//"):
        return next_url
    return f"{PATH}/entries"


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(auth.TOKEN_LIFETIME.total_seconds()),
        path=PATH,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path=PATH)


def session_token(request: Request) -> str | None:
    return request.cookies.get(COOKIE)


def staff_user(request: Request, session: Session = Depends(db_session)) -> User:
    """The signed-in staff member (also kept in ``request.state.staff_user`` for the page header)."""
    token = session_token(request)
    next_url = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if not token:
        raise LoginRequired(next_url)
    try:
        user = auth.user_for_token(session, token)
    except auth.AuthError:
        raise LoginRequired(next_url) from None
    request.state.staff_user = user
    return user


def role_required(*roles: Role) -> Callable[..., User]:
    """A dependency: the signed-in user if their role is one of ``roles``, else a Chinese 403 page."""

    def dependency(user: User = Depends(staff_user)) -> User:
        auth.require_role(user, *roles)
        return user

    return dependency
