"""Input no route can store or answer is refused at the door with a 4xx, never a 500.

* A JSON body that is not valid Unicode — bytes that are not UTF-8, or a lone
  surrogate written as an escape (``"\\ud800"``) — is answered with 422 before
  any route sees it: such text could be neither stored (SQLite refuses it) nor
  sent on. The error names the field, as FastAPI's own 422 does, with the
  Chinese reason of ``api.models.INVALID_TEXT`` and the text shown escaped.
  Only a body that contains a surrogate escape at all is parsed a second time.
* An integer id too large for a database column (beyond int64) that a route
  passes to the database unchecked is answered as a record that does not
  exist: 404, through the app's own ``HTTPException`` handler (a Chinese error
  page under ``/admin``, JSON elsewhere). Routes that bound their ids
  (``api.models.RowId``) answer 422 before that.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.models import INVALID_TEXT

log = logging.getLogger(__name__)

SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
NO_SUCH_RECORD = "找不到这条记录：编号超出范围。"


def _invalid(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _shown(value: str) -> str:
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def invalid_strings(value: Any, location: tuple = ()) -> list[tuple[tuple, str]]:
    """(location, text shown escaped) of every key or string in a parsed JSON value that is not valid Unicode."""
    found: list[tuple[tuple, str]] = []
    if isinstance(value, str):
        if _invalid(value):
            found.append((location, _shown(value)))
    elif isinstance(value, dict):
        for key, item in value.items():
            shown_key = _shown(key) if _invalid(key) else key
            if _invalid(key):
                found.append(((*location, shown_key), shown_key))
            found += invalid_strings(item, (*location, shown_key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += invalid_strings(item, (*location, index))
    return found


def unicode_errors(body: bytes) -> list[dict]:
    """FastAPI-shaped 422 details for a JSON body that is not valid Unicode; [] when it is (or is no JSON at all:
    FastAPI reports that itself)."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return [{"type": "invalid_unicode", "loc": ["body"], "msg": INVALID_TEXT, "input": None}]
    if not SURROGATE_ESCAPE.search(body):
        return []
    try:
        value = json.loads(body)
    except ValueError:
        return []
    return [
        {"type": "invalid_unicode", "loc": ["body", *location], "msg": INVALID_TEXT, "input": shown}
        for location, shown in invalid_strings(value)
    ]


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers") or []:
        if name == b"content-type":
            return b"json" in value.lower()
    return False


class ValidUnicodeBody:
    """ASGI middleware: a JSON request body that is not valid Unicode gets 422; any other request passes as it came."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: let the app see it
                await self.app(scope, _replay([message], receive), send)
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        errors = unicode_errors(body)
        if errors:
            await JSONResponse({"detail": errors}, status_code=422)(scope, receive, send)
            return
        await self.app(scope, _replay([{"type": "http.request", "body": body, "more_body": False}], receive), send)


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


def _is_overflow(exc: Exception) -> bool:
    return isinstance(exc, OverflowError) or isinstance(getattr(exc, "orig", None), OverflowError)


async def _no_such_record(request: Request, exc: Exception) -> Any:
    if not _is_overflow(exc):
        raise exc
    log.info("an id beyond what the database holds: %s %s", request.method, request.url.path)
    handler = request.app.exception_handlers.get(StarletteHTTPException)
    not_found = StarletteHTTPException(404, NO_SUCH_RECORD)
    if handler is None:
        return JSONResponse({"detail": NO_SUCH_RECORD}, status_code=404)
    return await handler(request, not_found)


def install(app: FastAPI) -> None:
    """Add the body check and the out-of-range id answer (after the app's other handlers are installed)."""
    app.add_middleware(ValidUnicodeBody)
    app.add_exception_handler(OverflowError, _no_such_record)
    app.add_exception_handler(StatementError, _no_such_record)
