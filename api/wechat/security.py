"""Callback security: timestamp freshness, XML that cannot expand entities, and hashed user ids for logs."""

from __future__ import annotations

import hashlib
import logging
import re
import time

FORBIDDEN_XML = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
OPENID_PARAM = re.compile(r"(openid=)([^&\s]+)", re.IGNORECASE)


class RejectedCallback(ValueError):
    """The callback failed a security check; the router answers 403 (or 413/400 for the body)."""


def check_timestamp(timestamp: str, max_skew: int, now: float | None = None) -> None:
    try:
        sent = int(timestamp)
    except (TypeError, ValueError) as exc:
        raise RejectedCallback("timestamp is not a number") from exc
    if abs((time.time() if now is None else now) - sent) > max_skew:
        raise RejectedCallback("stale timestamp")


def safe_xml(body: bytes | str) -> str:
    """Return the XML as text if it declares no DOCTYPE or ENTITY (WeChat never sends them)."""
    raw = body.encode() if isinstance(body, str) else body
    if FORBIDDEN_XML.search(raw):
        raise RejectedCallback("XML with DOCTYPE or ENTITY declarations is refused")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RejectedCallback("body is not UTF-8") from exc


def user_hash(openid: str) -> str:
    """A stable, non-reversible id for logs and the Rasa sender id (the raw openid is never logged)."""
    return hashlib.sha256(f"farun-wechat:{openid}".encode()).hexdigest()[:16]


class OpenIdRedactor(logging.Filter):
    """Replace ``openid=...`` in log arguments (WeChat puts it in the callback URL) with its hash."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                OPENID_PARAM.sub(lambda m: m.group(1) + user_hash(m.group(2)), arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        return True
