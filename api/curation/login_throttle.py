"""Delays after failed sign-ins, per client address, per username and overall: a wait, never a lock-out.

Every failed sign-in counts for ``WINDOW`` (15 minutes) against three keys:
the client's address, the username tried, and all sign-ins together. Up to a
key's free failures nothing happens; beyond them, the next attempt must wait
after that key's latest failure, 1 s, then 2, 4, … up to the key's longest
delay, and is answered 429 with ``Retry-After`` until then (an attempt refused
so does not count). A stranger guessing at an account delays its owner by at
most ``USERNAME.longest``; one client trying many names is slowed by its own
key, many clients by the overall one. A successful sign-in clears the
failures of its client and its username.

The counts live in this process (the API runs as one); throttling across
several processes would need a shared store. Behind a reverse proxy the
client address is the proxy's unless uvicorn runs with ``--proxy-headers``.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    free: int  # failures within the window before any delay
    longest: float  # seconds; the delay doubles from 1 s up to this


CLIENT = Limit(free=10, longest=15 * 60)
USERNAME = Limit(free=5, longest=60)
OVERALL = Limit(free=100, longest=10)
WINDOW = 15 * 60


class LoginThrottle:
    def __init__(
        self,
        client: Limit = CLIENT,
        username: Limit = USERNAME,
        overall: Limit = OVERALL,
        window: float = WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.limits = {"client": client, "user": username, "all": overall}
        self.window = window
        self.clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()  # by latest failure, oldest first
        self._lock = threading.Lock()  # sign-ins run in the thread pool

    @staticmethod
    def _keys(client: str, username: str) -> dict[str, str]:
        return {"client": f"client:{client}", "user": f"user:{username}", "all": "all"}

    def retry_after(self, client: str, username: str) -> float:
        """Seconds until a sign-in from ``client`` as ``username`` may be tried; 0 when it may be now."""
        with self._lock:
            now = self._forget(self.clock())
            return max(self._wait(key, self.limits[kind], now) for kind, key in self._keys(client, username).items())

    def failed(self, client: str, username: str) -> None:
        with self._lock:
            now = self._forget(self.clock())
            for key in self._keys(client, username).values():
                self._failures.setdefault(key, deque()).append(now)
                self._failures.move_to_end(key)

    def succeeded(self, client: str, username: str) -> None:
        keys = self._keys(client, username)
        with self._lock:
            for kind in ("client", "user"):
                self._failures.pop(keys[kind], None)

    def _wait(self, key: str, limit: Limit, now: float) -> float:
        failures = self._recent(key, now)
        if len(failures) < limit.free:
            return 0.0
        delay = min(limit.longest, 2 ** (len(failures) - limit.free))
        return max(0.0, failures[-1] + delay - now)

    def _recent(self, key: str, now: float) -> deque[float]:
        """The key's failures within the window (older ones are dropped)."""
        failures = self._failures.get(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def _forget(self, now: float) -> float:
        """Drop the keys whose latest failure has left the window (they come first); return ``now``."""
        while self._failures and next(iter(self._failures.values()))[-1] <= now - self.window:
            self._failures.popitem(last=False)
        return now
