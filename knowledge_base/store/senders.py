"""How a conversation's sender id is stored: hashed, never the id itself (turns, handoffs, opinions alike)."""

from __future__ import annotations

import hashlib


def sender_hash(sender_id: str) -> str:
    """A sender id as stored: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(sender_id.encode("utf-8")).hexdigest()[:16]
