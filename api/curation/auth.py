"""Staff accounts and sign-in: argon2 password hashes, bearer tokens, and a limit on failed logins.

A token is a random string handed out once at login; only its SHA-256 is
stored. Five failed logins for one username within fifteen minutes block
further attempts for that username until the window has passed.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.curation.errors import CurationError
from knowledge_base.store.models import ApiToken, LoginAttempt, Role, User, utcnow

TOKEN_LIFETIME = timedelta(hours=12)
FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES = 5
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


def login(session: Session, username: str, password: str) -> str:
    """A new bearer token for valid credentials; raises AuthError (401, or 429 when rate-limited)."""
    since = utcnow() - FAILURE_WINDOW
    failures = session.scalar(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.username == username, LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since)
    )
    if failures >= MAX_FAILURES:
        raise AuthError(429, "登录失败次数过多，请 15 分钟后再试")
    user = session.scalar(select(User).where(User.username == username))
    try:
        if user is None:
            raise VerificationError("unknown user")
        _hasher.verify(user.password_hash, password)
    except VerificationError:
        session.add(LoginAttempt(username=username, succeeded=False))
        session.commit()
        raise AuthError(401, "用户名或密码错误") from None
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


ROLE_NAMES = {Role.EDITOR: "编辑", Role.REVIEWER: "审核员", Role.ADMIN: "管理员"}
