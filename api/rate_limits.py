"""Rate limits of the anonymous endpoints, ``POST /api/chat`` and ``POST /api/feedback``, with the ``limits`` library.

Each request counts against its sender id and against its client address
(``api.dependencies.client_address``); an address in
``Settings.rate_limit_exempt`` (loopback by default) is counted per sender only.
The limits, the storage (memory, or Redis when the API runs as several
workers: ``redis://…``) and the switch are settings (``api.settings``). A moving
window: a burst at the turn of a minute counts as one minute.

Too many chat messages get a normal ``ChatResponse`` with a polite Chinese
reply and HTTP 429, so every client shows it like any answer; too much
feedback gets a 429 with a Chinese ``detail``. Neither reaches Rasa or the
database.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import JSONResponse
from limits import RateLimitItem, parse_many
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

from api.dependencies import client_address
from api.models import BotReply, ChatResponse
from api.settings import Settings, get_settings

log = logging.getLogger(__name__)

CHAT_TOO_FAST = "您发消息太快了，请稍等一分钟再发。如有急事，可以拨打12348公共法律服务热线。"
FEEDBACK_TOO_FAST = "反馈提交得太频繁了，请稍后再试。"
LIMITED_KIND = "rate_limited"


@dataclass(frozen=True)
class Rule:
    per_sender: list[RateLimitItem]
    per_address: list[RateLimitItem]


def async_url(url: str) -> str:
    """``limits``' asyncio storages are named ``async+memory://``, ``async+redis://…``."""
    return url if url.startswith("async+") else f"async+{url}"


class RateLimits:
    def __init__(self, settings: Settings):
        self.enabled = settings.rate_limits
        self.exempt = frozenset(settings.rate_limit_exempt)
        self.limiter = MovingWindowRateLimiter(storage_from_string(async_url(settings.rate_limit_storage)))
        self.rules = {
            "chat": Rule(parse_many(settings.chat_limit_per_sender), parse_many(settings.chat_limit_per_address)),
            "feedback": Rule(
                parse_many(settings.feedback_limit_per_sender), parse_many(settings.feedback_limit_per_address)
            ),
        }

    async def _hit(self, items: list[RateLimitItem], *keys: str) -> bool:
        allowed = True
        for item in items:
            allowed = await self.limiter.hit(item, *keys) and allowed
        return allowed

    async def allow(self, endpoint: str, sender: str, address: str) -> bool:
        """Count one request of ``sender`` from ``address`` to ``endpoint``; False when it is over a limit."""
        if not self.enabled:
            return True
        rule = self.rules[endpoint]
        if not await self._hit(rule.per_sender, endpoint, "sender", sender):
            return False
        if address in self.exempt:
            return True
        return await self._hit(rule.per_address, endpoint, "address", address)


def rate_limits(request: Request) -> RateLimits:
    """The app's one set of counters, made on first use from the settings."""
    limits = getattr(request.app.state, "rate_limits", None)
    if limits is None:
        limits = request.app.state.rate_limits = RateLimits(get_settings())
    return limits


async def chat_refusal(request: Request, sender: str) -> JSONResponse | None:
    """None when ``sender`` may chat now; else the 429 answer."""
    if await rate_limits(request).allow("chat", sender, client_address(request)):
        return None
    log.info("chat rate limit reached")
    reply = BotReply(text=CHAT_TOO_FAST, kind=LIMITED_KIND)
    body = ChatResponse(sender=sender, intent=None, confidence=None, replies=[reply])
    return JSONResponse(body.model_dump(), status_code=429, headers={"Retry-After": "60"})


async def feedback_refusal(request: Request, sender: str) -> JSONResponse | None:
    """None when ``sender`` may send feedback now; else the 429 answer."""
    if await rate_limits(request).allow("feedback", sender, client_address(request)):
        return None
    log.info("feedback rate limit reached")
    return JSONResponse({"detail": FEEDBACK_TOO_FAST}, status_code=429, headers={"Retry-After": "60"})
