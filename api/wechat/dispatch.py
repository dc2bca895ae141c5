"""One answer per question within WeChat's 5-second window: de-duplication of retries and late delivery.

WeChat retries a callback it got no answer to (after 5 s, three times). Every
retry of a message (same MsgId, or FromUserName + CreateTime for events) joins the
same job. If the answer is not ready by the deadline and a ``MessageSender`` is
configured, the callback is answered with ``success`` at once and the answer is
sent through the customer-service API when it is ready. Without a sender the
callback waits, so WeChat's retry picks up the finished answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from api.wechat.customer_service import MessageSender
from api.wechat.security import user_hash

log = logging.getLogger(__name__)
MAX_JOBS = 2048


@dataclass
class Job:
    task: asyncio.Task
    claimed: bool = False  # someone has answered (passively) or taken over delivery


class Dispatcher:
    def __init__(self, deadline: float, sender: MessageSender | None):
        self.deadline = deadline
        self.sender = sender
        self.jobs: OrderedDict[str, Job] = OrderedDict()
        self._deliveries: set[asyncio.Task] = set()

    def _job(self, key: str, make: Callable[[], Awaitable[list[str]]]) -> Job:
        job = self.jobs.get(key)
        if job is None:
            job = self.jobs[key] = Job(task=asyncio.ensure_future(make()))
            while len(self.jobs) > MAX_JOBS:
                self.jobs.popitem(last=False)
        return job

    def _deliver(self, openid: str, chunks: list[str]) -> None:
        task = asyncio.ensure_future(self._send_all(openid, chunks))
        self._deliveries.add(task)
        task.add_done_callback(self._deliveries.discard)

    async def _send_all(self, openid: str, chunks: list[str]) -> None:
        try:
            for chunk in chunks:
                await self.sender.send_text(openid, chunk)
        except Exception:  # a failed delivery must not crash the server; it is logged with the hashed user
            log.exception("customer-service delivery to user %s failed", user_hash(openid))

    async def answer(self, key: str, openid: str, make: Callable[[], Awaitable[list[str]]]) -> str | None:
        """The passive reply's text, or None when the callback should be answered with ``success``."""
        job = self._job(key, make)
        try:
            chunks = await asyncio.wait_for(asyncio.shield(job.task), self.deadline if self.sender else None)
        except asyncio.TimeoutError:
            if not job.claimed:
                job.claimed = True
                job.task.add_done_callback(lambda done: self._deliver(openid, done.result()))
            return None
        if job.claimed or not chunks:
            return None
        job.claimed = True
        if len(chunks) > 1 and self.sender:
            self._deliver(openid, chunks[1:])
        return chunks[0]
