"""``POST /api/chat``: one user message through the bot (``api.conversation``), the replies back.

The stack's own warm-up question (``api.warm_up``) is answered but not recorded.
The web page's 「新对话」 calls ``POST /api/chat/reset`` (the bot forgets the
conversation: slots, active form); after a reload it calls ``GET
/api/chat/state`` to learn whether a form is waiting for an answer. Both answer
with the conversation's state, or 503 when Rasa cannot be reached.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse

from api import conversation, rate_limits
from api.curation.turns import TurnLog
from api.dependencies import rasa_client, turn_log_for
from api.models import ChatRequest, ChatResponse, ConversationState, SenderRequest
from api.rasa_client import RasaClient, RasaUnavailable
from api.warm_up import is_warm_up

router = APIRouter(prefix="/api", tags=["chat"])
STATE_UNAVAILABLE = "对话服务暂时连不上，请稍后再试。"


@router.post("/chat", response_model=ChatResponse, responses={429: {"description": "too many messages"}})
async def chat(
    request: ChatRequest,
    http: Request,
    rasa: RasaClient = Depends(rasa_client),
    turns: TurnLog | None = Depends(turn_log_for("web")),
    warm_up: bool = Depends(is_warm_up),
) -> ChatResponse | JSONResponse:
    if not warm_up and (refusal := await rate_limits.chat_refusal(http, request.sender)):
        return refusal  # a ChatResponse with a polite reply, HTTP 429
    return await conversation.converse(rasa, turns, request.sender, request.message, record=not warm_up)


@router.post("/chat/reset", response_model=ConversationState)
async def reset_chat(request: SenderRequest, rasa: RasaClient = Depends(rasa_client)) -> ConversationState:
    """Start the conversation afresh on the bot's side; the state after it (no active form) is returned."""
    try:
        await conversation.reset(rasa, request.sender)
        return await conversation.state(rasa, request.sender)
    except RasaUnavailable:
        raise HTTPException(503, STATE_UNAVAILABLE) from None


@router.get("/chat/state", response_model=ConversationState)
async def chat_state(
    query: Annotated[SenderRequest, Query()], rasa: RasaClient = Depends(rasa_client)
) -> ConversationState:
    """Whether a form (wage triage, legal-aid check, mediation) is waiting for the user's answer."""
    try:
        return await conversation.state(rasa, query.sender)
    except RasaUnavailable:
        raise HTTPException(503, STATE_UNAVAILABLE) from None
