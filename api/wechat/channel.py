"""Per-app channel state (de-duplication jobs, pending choices, replay claims, the customer-service client) and
body reading."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
from fastapi import Depends, HTTPException, Request

from api.dependencies import http_client
from api.wechat.config import WeChatSettings, get_wechat_settings
from api.wechat.conversation import PendingChoices
from api.wechat.customer_service import CustomerServiceClient
from api.wechat.dispatch import Dispatcher
from api.wechat.replay import MemoryPairStore, PairStore


@dataclass
class Channels:
    wechat: Dispatcher
    wecom: Dispatcher
    pairs: PairStore
    choices: PendingChoices = field(default_factory=PendingChoices)


def channels(
    request: Request,
    settings: WeChatSettings = Depends(get_wechat_settings),
    client: httpx.AsyncClient = Depends(http_client),
) -> Channels:
    """Created on first use and kept on ``app.state`` (retries must meet the job of the first callback)."""
    state = getattr(request.app.state, "wechat_channels", None)
    if state is None:
        sender = CustomerServiceClient(settings, client) if settings.customer_service_enabled else None
        state = Channels(
            wechat=Dispatcher(settings.reply_deadline, sender),
            wecom=Dispatcher(settings.reply_deadline, None),
            pairs=MemoryPairStore(ttl=2 * settings.max_timestamp_skew),  # a timestamp is fresh this long at most
        )
        request.app.state.wechat_channels = state
    return state


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
