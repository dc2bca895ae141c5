"""How the admin pages answer failures: sign-in redirects and Chinese error pages instead of JSON.

Curation errors raised while serving an ``/admin`` page (403 role or CSRF,
404 unknown entry, …), unknown admin URLs and malformed forms or query
parameters become ``error.html`` with the same status (the reasons our own
validators give, which are written in Chinese, are shown; other problems get
one general sentence); an expired sign-in becomes a redirect to
the login page. Errors elsewhere keep the handlers installed before (JSON).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.admin.rendering import render
from api.admin.session import PATH, LoginRequired
from api.curation.errors import CurationError

TITLES = {401: "请先登录", 403: "没有权限", 404: "找不到页面", 409: "操作冲突", 422: "内容有误", 429: "请求过于频繁"}


def is_page(request: Request) -> bool:
    return request.url.path == PATH or request.url.path.startswith(f"{PATH}/")


async def _login_required(_request: Request, exc: LoginRequired) -> Response:
    return RedirectResponse(exc.location, status_code=303)


def _error_page(request: Request, status: int, message: str) -> Response:
    return render(
        request, "error.html", {"title": TITLES.get(status, "出错了"), "message": message}, status_code=status
    )


def _curation_page(request: Request, exc: CurationError) -> Response:
    if exc.status == 401:
        return RedirectResponse(LoginRequired(request.url.path).location, status_code=303)
    return _error_page(request, exc.status, exc.message)


def _http_page(request: Request, exc: StarletteHTTPException) -> Response:
    message = {404: "找不到这个页面，请检查网址。", 405: "不支持这种请求方式，请从页面上的按钮操作。"}.get(
        exc.status_code, str(exc.detail)
    )
    return _error_page(request, exc.status_code, message)


def _invalid_form_page(request: Request, exc: RequestValidationError) -> Response:
    reasons = [str(error["ctx"]["error"]) for error in exc.errors() if error["type"] == "value_error"]
    return _error_page(request, 422, "；".join(reasons) or "提交的表单不完整或格式不对，请返回刷新页面后重试。")


def _for_pages(app: FastAPI, exc_class: type[Exception], page: Callable[[Request, Any], Response]) -> None:
    """Answer ``exc_class`` with ``page`` under /admin; elsewhere keep the handler installed before."""
    previous = app.exception_handlers.get(exc_class)

    async def handler(request: Request, exc: Exception) -> Response:
        if is_page(request):
            return page(request, exc)
        if previous is None:
            raise exc
        return await previous(request, exc)

    app.add_exception_handler(exc_class, handler)


def install_handlers(app: FastAPI) -> None:
    app.add_exception_handler(LoginRequired, _login_required)
    _for_pages(app, CurationError, _curation_page)
    _for_pages(app, StarletteHTTPException, _http_page)
    _for_pages(app, RequestValidationError, _invalid_form_page)
