"""The web chat page at ``/`` (static files under ``api/static``) and ``POST /api/feedback`` for its 有用/没用 buttons.

Page feedback is logged as a feedback turn in the curation database, like the
bot's own feedback buttons, so that a 没用 lands in the staff's
unanswered-question queue. The page names the rated answer (``answer``), and
the server keeps one verdict per answer of a conversation, the latest
(``api.verdicts``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, JSONResponse
from pydantic import BaseModel, Field

from api import rate_limits, verdicts
from api.curation.turns import TurnLog
from api.dependencies import turn_log_for
from api.models import SenderId, UnicodeText

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
router = APIRouter(tags=["web"])


class FeedbackRequest(BaseModel):  # every field bounded: a feedback row never grows with what a client sends
    sender: SenderId
    value: Literal["useful", "not_useful"]
    entry_ids: list[Annotated[str, Field(max_length=128)]] = Field(default=[], max_length=10)
    question: UnicodeText = Field(default="", max_length=2000)
    answer: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="the page's id of the answer",
    )


class FeedbackResponse(BaseModel):
    ok: bool
    message: str


@router.get("/", include_in_schema=False)
def index() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")


@router.post("/api/feedback", response_model=FeedbackResponse, responses={429: {"description": "too much feedback"}})
async def feedback(
    request: FeedbackRequest, http: Request, turn_log: TurnLog | None = Depends(turn_log_for("web"))
) -> FeedbackResponse | JSONResponse:
    if refusal := await rate_limits.feedback_refusal(http, request.sender):
        return refusal
    if turn_log is not None:
        verdict = verdicts.Verdict(
            sender=request.sender,
            answer=request.answer,
            value=request.value,
            entry_id=(request.entry_ids or [None])[0],
            question=request.question,
        )
        await verdicts.store(turn_log.database, turn_log.channel, verdict)
    return FeedbackResponse(ok=True, message="感谢您的反馈！")
