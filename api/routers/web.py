"""The web chat page at ``/`` (static files under ``api/static``) and ``POST /api/feedback`` for its 有用/没用 buttons."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from actions.records import append_record

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
router = APIRouter(tags=["web"])


class FeedbackRequest(BaseModel):
    sender: str = Field(min_length=1, max_length=128)
    value: Literal["useful", "not_useful"]
    entry_ids: list[str] = Field(default=[], max_length=10)
    question: str = Field(default="", max_length=2000)


class FeedbackResponse(BaseModel):
    ok: bool
    message: str


@router.get("/", include_in_schema=False)
def index() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html", media_type="text/html; charset=utf-8")


@router.post("/api/feedback", response_model=FeedbackResponse)
def feedback(request: FeedbackRequest) -> FeedbackResponse:
    append_record("feedback", request.sender, value=request.value, entry_id=(request.entry_ids or [None])[0],
                  entry_ids=request.entry_ids, question=request.question, channel="web")
    return FeedbackResponse(ok=True, message="感谢您的反馈！")
