"""Staff accounts and sign-in: argon2 password hashes, bearer tokens, and delays after failed logins.

A token is a random string handed out once at login; only its SHA-256 is
stored. Failed logins delay further ones from the same client, for the same
username and overall (``login_throttle``); every attempt is recorded in
``login_attempts``. An unknown username is checked against a dummy argon2
hash, so it takes as long as a known one with a wrong password and the answer
time does not tell which names exist.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from datetime import timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.curation.errors import CurationError
from api.curation.login_throttle import LoginThrottle
from knowledge_base.store.models import ApiToken, LoginAttempt, Role, User, utcnow

TOKEN_LIFETIME = timedelta(hours=12)
MIN_PASSWORD = 8

_hasher = PasswordHasher()


class AuthError(CurationError):
    """A sign-in or permission failure."""


def create_user(session: Session, username: str, password: str, role: Role) -> User:
    username = username.strip()
    if not username:
        raise AuthError(422, "用户名不能为空")
    if len(password) < MIN_PASSWORD:
        raise AuthError(422, f"密码至少需要 {MIN_PASSWORD} 个字符")
    if session.scalar(select(User).where(User.username == username)):
        raise AuthError(409, f"用户名“{username}”已存在")
    user = User(username=username, password_hash=_hasher.hash(password), role=role.value)
    session.add(user)
    session.flush()
    return user


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash of a random password nobody knows, made with the same parameters as the real ones."""
    return _hasher.hash(secrets.token_urlsafe(32))


def _password_matches(user: User | None, password: str) -> bool:
    """Whether ``password`` is ``user``'s; an unknown user costs the same argon2 verification."""
    try:
        _hasher.verify(user.password_hash if user is not None else _dummy_hash(), password)
    except VerificationError:
        return False
    return user is not None


def login(session: Session, username: str, password: str, client: str, throttle: LoginThrottle) -> str:
    """A new bearer token for valid credentials from the address ``client``; raises AuthError (401, or 429 with
    ``Retry-After`` while ``throttle`` delays this client, username or all sign-ins)."""
    wait = throttle.retry_after(client, username)
    if wait > 0:
        seconds = math.ceil(wait)
        raise AuthError(429, f"登录失败次数过多，请 {seconds} 秒后再试", headers={"Retry-After": str(seconds)})
    user = session.scalar(select(User).where(User.username == username))
    if not _password_matches(user, password):
        throttle.failed(client, username)
        session.add(LoginAttempt(username=username, succeeded=False))
        session.commit()
        raise AuthError(401, "用户名或密码错误")
    throttle.succeeded(client, username)
    session.add(LoginAttempt(username=username, succeeded=True))
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(token_hash=_hash_token(token), user_id=user.id, expires_at=utcnow() + TOKEN_LIFETIME))
    session.commit()
    return token


def user_for_token(session: Session, token: str) -> User:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(token)))
    if row is None or row.expires_at < utcnow():
        raise AuthError(401, "登录已失效，请重新登录")
    return row.user


def logout(session: Session, token: str) -> None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(token)))
    if row is not None:
        session.delete(row)
        session.commit()


def require_role(user: User, *roles: Role) -> None:
    if user.role not in {role.value for role in roles}:
        names = "、".join(ROLE_NAMES[role] for role in roles)
        raise AuthError(403, f"此操作需要{names}权限")


ROLE_NAMES = {Role.EDITOR: "编辑", Role.REVIEWER: "审核员", Role.LEGISLATION: "立法专员", Role.ADMIN: "管理员"}
