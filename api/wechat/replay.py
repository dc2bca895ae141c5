"""Replay protection: a signed (timestamp, nonce) pair carries one request body, never another.

A captured callback URL stays valid while its timestamp is fresh, and in
plaintext mode its signature does not even cover the body, so a replay could
carry any message under any openid. After the signature check each pair is
claimed with a digest of the body it came with, for as long as its timestamp
can pass the freshness check (``max_timestamp_skew`` either side of now); the
pair with any other body is refused. The very same body again is what a
retry of the same delivery looks like, should WeChat resend it unchanged: it
is let through to the MsgId de-duplication (``api.wechat.dispatch``), which
never runs a message twice.

The pairs live behind ``PairStore``; ``MemoryPairStore`` keeps them in this
process. A shared store (e.g. Redis ``SET key value NX EX ttl GET``) can
replace it when the API runs in several processes.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

from api.wechat.security import RejectedCallback


class PairStore(Protocol):
    async def claim(self, key: str, value: str) -> str:
        """Hold ``value`` under ``key`` unless the key is held already; return the value held now."""
        ...


class MemoryPairStore:
    """Claims held in memory for ``ttl`` seconds; expired ones are dropped as new ones come in."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self.clock = clock
        self._held: OrderedDict[str, tuple[float, str]] = OrderedDict()  # oldest first: one ttl for all

    async def claim(self, key: str, value: str) -> str:
        now = self.clock()
        while self._held and next(iter(self._held.values()))[0] <= now:
            self._held.popitem(last=False)
        if key not in self._held:
            self._held[key] = (now + self.ttl, value)
        return self._held[key][1]


async def check_replay(store: PairStore, channel: str, timestamp: str, nonce: str, body: bytes) -> None:
    """Raise ``RejectedCallback`` when this channel's (timestamp, nonce) came before with another body."""
    digest = hashlib.sha256(body).hexdigest()
    if await store.claim(f"{channel}:{timestamp}:{nonce}", digest) != digest:
        raise RejectedCallback("timestamp and nonce already used for another request")
