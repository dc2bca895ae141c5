"""CSRF protection for the admin pages: a signed double-submit token checked on every POST.

Each browser gets a random seed in the httponly cookie ``farun_admin_csrf``
(renewed at sign-in); forms carry ``csrf_token`` = HMAC-SHA256(secret, seed).
A POST whose field does not match its cookie is refused with a Chinese 403.
The secret is ``FARUN_SECRET_KEY`` or, when unset, a random key created once
in the data folder (``admin-secret.key``).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

from fastapi import Request, Response

from api.curation.errors import CurationError
from knowledge_base.settings import data_dir

FIELD = "csrf_token"
COOKIE = "farun_admin_csrf"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@lru_cache(maxsize=4)
def _stored_secret(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    with os.fdopen(descriptor, "wb") as file:
        key = secrets.token_bytes(32)
        file.write(key)
    return key


def secret_key() -> bytes:
    configured = os.environ.get("FARUN_SECRET_KEY")
    return configured.encode() if configured else _stored_secret(data_dir() / "admin-secret.key")


def _sign(seed: str) -> str:
    return hmac.new(secret_key(), seed.encode(), hashlib.sha256).hexdigest()


def token(request: Request) -> str:
    """The token to put into this page's forms (a new seed is made, and later set as cookie, if needed)."""
    seed = request.cookies.get(COOKIE) or getattr(request.state, "csrf_seed", None)
    if seed is None:
        seed = request.state.csrf_seed = secrets.token_urlsafe(32)
    return _sign(seed)


def remember_seed(request: Request, response: Response, renew: bool = False) -> None:
    """Set the seed cookie when this request made a new seed (or, with ``renew``, a fresh one at sign-in)."""
    if renew:
        request.state.csrf_seed = secrets.token_urlsafe(32)
    seed = getattr(request.state, "csrf_seed", None)
    if seed is not None:
        response.set_cookie(
            COOKIE, seed, path="/admin", httponly=True, samesite="lax", secure=request.url.scheme == "https"
        )


async def verify_csrf(request: Request) -> None:
    """Router dependency: refuse any non-GET request whose form field ``csrf_token`` does not match the cookie."""
    if request.method in SAFE_METHODS:
        return
    seed = request.cookies.get(COOKIE)
    sent = (await request.form()).get(FIELD)
    if not seed or not isinstance(sent, str) or not hmac.compare_digest(sent, _sign(seed)):
        raise CurationError(403, "页面已过期或请求来源无法确认（安全校验失败），请返回刷新页面后重试。")
