"""One answer per message within each callback's own window: WeChat's and WeCom's retries, and late answers.

WeChat (and WeCom alike) waits 5 s for a callback's answer, then drops the
connection and sends the message again (same MsgId, or FromUserName +
CreateTime for events), three attempts in all (``callback_attempts``). Every
attempt of a message joins the same job; the job counts its attempts. Each
attempt waits for the answer only within its own window (``reply_deadline``,
just under 5 s, counted from that callback's arrival): whichever attempt is
inside its window when the answer is ready returns it as the passive reply and
claims the job, so no other attempt answers it again.

When an attempt's window passes without the answer:

- with a ``MessageSender`` (the service account's app secret, or a WeCom agent
  secret) the attempt claims the job and answers ``success``, which stops the
  retries; the answer goes out through the sender when it is ready.
- without one, on the last attempt, the attempt claims the job and answers
  ``BUSY_REPLY`` (the web chat's reply when the bot is not there): the last
  chance of a passive reply is not spent on silence.
- without one, on an earlier attempt, the attempt does not claim the job: the
  next retry may still find the answer ready. It must not answer ``success`` or
  an empty body while WeChat still listens, since WeChat documents both as "no
  reply, do not retry"; any other body that is not a reply makes WeChat show
  the user 「该公众号暂时无法提供服务，请稍后再试」 at once. So the request is held
  open until ``unanswered_hold`` after its arrival, past WeChat's 5 s: by then
  WeChat has dropped the connection and sent the retry, nobody reads the
  response, and the empty 200 (``DROPPED``) only frees the connection. Should
  WeChat still be listening after all (a very slow network), an empty body is
  the answer that does the least harm: no error shown to the user.

Jobs are kept in memory (the newest ``MAX_JOBS``), so all attempts of a
message must reach the same process.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from api.conversation import BUSY_REPLY
from api.wechat.customer_service import MessageSender
from api.wechat.security import user_hash

log = logging.getLogger(__name__)
MAX_JOBS = 2048


class Handled(enum.Enum):
    """A callback answered without a passive reply; the value is the response body."""

    LATER = "success"  # claimed: nothing to say, answered already, or the sender delivers it; WeChat stops retrying
    DROPPED = ""  # not claimed: held past WeChat's wait, which no longer listens; a retry may claim the answer


@dataclass
class Job:
    task: asyncio.Task
    claimed: bool = False  # someone has answered (passively) or taken over delivery
    attempts: int = 0


class Dispatcher:
    def __init__(self, deadline: float, sender: MessageSender | None, *, attempts: int = 3, hold: float = 5.5) -> None:
        self.deadline = deadline  # each attempt's window, from its arrival
        self.sender = sender
        self.attempts = attempts  # the platform's attempts per message; the last gets BUSY_REPLY without a sender
        self.hold = hold  # from arrival: how long an attempt that missed its window is kept open
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

    def _deliver_when_done(self, openid: str, done: asyncio.Task) -> None:
        if done.cancelled() or done.exception() is not None:
            log.error("the answer to user %s failed, nothing to deliver", user_hash(openid))
            return
        self._deliver(openid, done.result())

    async def _send_all(self, openid: str, chunks: list[str]) -> None:
        try:
            for chunk in chunks:
                await self.sender.send_text(openid, chunk)
        except Exception:  # a failed delivery must not crash the server; it is logged with the hashed user
            log.exception("late delivery to user %s failed", user_hash(openid))

    async def answer(
        self, key: str, openid: str, make: Callable[[], Awaitable[list[str]]], arrived: float | None = None
    ) -> str | Handled:
        """The passive reply's text, or how to answer without one. ``arrived``: the callback's arrival on
        ``time.monotonic()``'s clock (now when not given)."""
        arrived = time.monotonic() if arrived is None else arrived
        job = self._job(key, make)
        job.attempts += 1
        try:
            window = max(0.0, arrived + self.deadline - time.monotonic())
            chunks = await asyncio.wait_for(asyncio.shield(job.task), window)
        except asyncio.TimeoutError:
            return await self._missed(job, openid, arrived)
        if job.claimed or not chunks:
            return Handled.LATER
        job.claimed = True
        if len(chunks) > 1 and self.sender:
            self._deliver(openid, chunks[1:])
        return chunks[0]

    async def _missed(self, job: Job, openid: str, arrived: float) -> str | Handled:
        """The answer of an attempt whose window passed before the job's answer was ready."""
        if job.claimed:
            return Handled.LATER
        if self.sender:
            job.claimed = True
            job.task.add_done_callback(lambda done: self._deliver_when_done(openid, done))
            return Handled.LATER
        if job.attempts >= self.attempts:
            job.claimed = True
            log.warning("no answer for user %s by the last attempt; answered busy", user_hash(openid))
            return BUSY_REPLY
        await asyncio.sleep(max(0.0, arrived + self.hold - time.monotonic()))
        return Handled.DROPPED
