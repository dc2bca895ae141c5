"""Per-app channel state (de-duplication jobs, pending choices, replay claims, the late-answer senders: the
customer-service client and the WeCom message client) and body reading."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime

import httpx
from fastapi import Depends, HTTPException, Request

from api.dependencies import http_client
from api.wechat.config import WeChatSettings, get_wechat_settings
from api.wechat.conversation import PendingChoices
from api.wechat.customer_service import CustomerServiceClient, MessageSender
from api.wechat.dispatch import Dispatcher
from api.wechat.idle_forms import IdleCheck, clock
from api.wechat.replay import MemoryPairStore, PairStore
from api.wechat.wecom_messages import WeComMessageClient


@dataclass
class Channels:
    wechat: Dispatcher
    wecom: Dispatcher
    pairs: PairStore
    choices: PendingChoices = field(default_factory=PendingChoices)


def dispatcher(settings: WeChatSettings, sender: MessageSender | None) -> Dispatcher:
    return Dispatcher(
        settings.reply_deadline, sender, attempts=settings.callback_attempts, hold=settings.unanswered_hold
    )


def channels(
    request: Request,
    settings: WeChatSettings = Depends(get_wechat_settings),
    client: httpx.AsyncClient = Depends(http_client),
) -> Channels:
    """Created on first use and kept on ``app.state`` (retries must meet the job of the first callback)."""
    state = getattr(request.app.state, "wechat_channels", None)
    if state is None:
        wechat = CustomerServiceClient(settings, client) if settings.customer_service_enabled else None
        wecom = WeComMessageClient(settings) if settings.wecom_messages_enabled else None
        state = Channels(
            wechat=dispatcher(settings, wechat),
            wecom=dispatcher(settings, wecom),
            pairs=MemoryPairStore(ttl=2 * settings.max_timestamp_skew),  # a timestamp is fresh this long at most
        )
        request.app.state.wechat_channels = state
    return state


def arrival() -> float:
    """When the callback arrived (``time.monotonic()``): its reply window counts from here. Resolved first."""
    return time.monotonic()


def idle_check(settings: WeChatSettings = Depends(get_wechat_settings), now: datetime = Depends(clock)) -> IdleCheck:
    return IdleCheck(minutes=settings.form_idle_minutes, now=now)


async def capped_body(request: Request, settings: WeChatSettings = Depends(get_wechat_settings)) -> bytes:
    """The request body, refused with 413 as soon as it passes ``max_body_bytes``."""
    limit = settings.max_body_bytes
    if int(request.headers.get("content-length") or 0) > limit:
        raise HTTPException(status_code=413, detail="请求体过大")
    body = bytearray()
    async for part in request.stream():
        body.extend(part)
        if len(body) > limit:
            raise HTTPException(status_code=413, detail="请求体过大")
    return bytes(body)
