"""``POST /api/chat``: one user message through the bot (``api.conversation``), the replies back.

The stack's own warm-up question (``api.warm_up``) is answered but not recorded.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from api.conversation import converse
from api.curation.turns import TurnLog
from api.dependencies import rasa_client, turn_log_for
from api.models import ChatRequest, ChatResponse
from api.rasa_client import RasaClient
from api.warm_up import is_warm_up

router = APIRouter(prefix="/api", tags=["chat"])


@router.post("/chat", response_model=ChatResponse)
async def chat(
    request: ChatRequest,
    rasa: RasaClient = Depends(rasa_client),
    turns: TurnLog | None = Depends(turn_log_for("web")),
    warm_up: bool = Depends(is_warm_up),
) -> ChatResponse:
    return await converse(rasa, turns, request.sender, request.message, record=not warm_up)
