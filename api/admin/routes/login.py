"""Sign-in and sign-out pages: /admin/login (rate-limited by the curation auth) and POST /admin/logout."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from api.admin import csrf
from api.admin.rendering import redirect, render
from api.admin.session import PATH, clear_session_cookie, safe_next, session_token, set_session_cookie
from api.curation import auth
from api.curation.login_throttle import LoginThrottle
from api.dependencies import client_address, db_session, login_throttle

router = APIRouter(prefix=PATH)


@router.get("")
def home() -> RedirectResponse:
    return redirect(f"{PATH}/entries")


@router.get("/login")
def login_page(request: Request, next_url: str | None = Query(None, alias="next")) -> Response:
    return render(request, "login.html", {"next": safe_next(next_url), "username": ""})


@router.post("/login")
def login(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    next_url: str = Form("", alias="next"),
    session: Session = Depends(db_session),
    client: str = Depends(client_address),
    throttle: LoginThrottle = Depends(login_throttle),
) -> Response:
    try:
        token = auth.login(session, username.strip(), password, client, throttle)
    except auth.AuthError as exc:
        page = render(
            request,
            "login.html",
            {"next": safe_next(next_url), "username": username, "error": exc.message},
            status_code=exc.status,
        )
        page.headers.update(exc.headers)
        return page
    response = redirect(safe_next(next_url))
    set_session_cookie(request, response, token)
    csrf.remember_seed(request, response, renew=True)
    return response


@router.post("/logout")
def logout(request: Request, session: Session = Depends(db_session)) -> Response:
    token = session_token(request)
    if token:
        auth.logout(session, token)
    response = redirect(f"{PATH}/login", "logged_out")
    clear_session_cookie(response)
    return response
