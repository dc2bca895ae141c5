"""``POST /api/chat``: one user message through Rasa, the bot's replies back, recorded in the turn log.

The stack's own warm-up question (``api.warm_up``) is answered but not recorded.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException

from api.curation.turns import TurnLog, turn_log_for
from api.models import BotReply, ChatRequest, ChatResponse
from api.rasa_client import RasaClient, RasaUnavailable
from api.settings import Settings, get_settings
from api.dependencies import rasa_client
from api.warm_up import is_warm_up

router = APIRouter(prefix="/api", tags=["chat"])

EMPTY_MESSAGE_REPLY = "您好像还没有输入内容。请直接说说您遇到的问题，比如“老板拖欠工资怎么办”。"
TOO_LONG_REPLY = "您的消息有点长（超过{limit}字），我可能抓不住重点。请用几句话说说最想问的问题。"


def to_reply(message: dict) -> BotReply:
    custom = (message.get("custom") or {}).get("farun") or {}
    return BotReply(text=message.get("text") or "", buttons=message.get("buttons") or [],
                    kind=custom.get("kind"), entry_ids=custom.get("entry_ids") or [],
                    citations=custom.get("citations") or [])


def merge(messages: list[dict]) -> list[BotReply]:
    """Rasa sends text and custom payload of one utterance as separate messages; join them."""
    replies: list[BotReply] = []
    for message in messages:
        reply = to_reply(message)
        if not reply.text and not reply.buttons and replies and replies[-1].kind is None:
            replies[-1] = replies[-1].model_copy(update={"kind": reply.kind, "entry_ids": reply.entry_ids,
                                                         "citations": reply.citations})
        else:
            replies.append(reply)
    return replies


@router.post("/chat", response_model=ChatResponse)
async def chat(request: ChatRequest, rasa: RasaClient = Depends(rasa_client),
               settings: Settings = Depends(get_settings),
               turns: TurnLog | None = Depends(turn_log_for("web")),
               warm_up: bool = Depends(is_warm_up)) -> ChatResponse:
    message = request.message.strip()
    if not message:
        return ChatResponse(sender=request.sender, intent=None, confidence=None,
                            replies=[BotReply(text=EMPTY_MESSAGE_REPLY, kind="empty")])
    if len(message) > settings.max_message_chars:
        return ChatResponse(sender=request.sender, intent=None, confidence=None,
                            replies=[BotReply(text=TOO_LONG_REPLY.format(limit=settings.max_message_chars),
                                              kind="too_long")])
    try:
        messages = await rasa.send(request.sender, message)
        intent = await rasa.latest_intent(request.sender)
    except RasaUnavailable as exc:
        raise HTTPException(status_code=503, detail="对话服务暂时不可用，请稍后再试，或拨打12348。") from exc
    if turns is not None and not warm_up:
        await turns.record(request.sender, message, intent.get("name"), intent.get("confidence"), messages)
    return ChatResponse(sender=request.sender, intent=intent.get("name"), confidence=intent.get("confidence"),
                        replies=merge(messages))
