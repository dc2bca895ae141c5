"""The one error type curation raises: an HTTP status, a message for staff in Chinese, optional extra data and
response headers (``Retry-After`` of a delayed sign-in)."""

from __future__ import annotations


class CurationError(Exception):
    def __init__(self, status: int, message: str, extra: dict | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra or {}
        self.headers = headers or {}
