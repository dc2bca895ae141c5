"""Pydantic models: the API's contract (request and response bodies).

A chat request is checked at the door: the sender id becomes the key of the
conversation in Rasa's tracker store and URLs (``/conversations/{sender}/...``),
so it is limited to letters, digits, ``-`` and ``_``; and text that is not valid
Unicode (a lone surrogate such as ``"\\ud800"`` in the JSON) could be neither
stored nor sent on. Both are refused with a 422 naming the reason in Chinese.
Numeric ids in paths are bounded by what a database column holds (``RowId``).
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Path
from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

INT64_MAX = 2**63 - 1  # the largest integer a database column holds: a larger id is refused with 422, not sent on
SENDER_PATTERN = r"^[A-Za-z0-9_-]+$"
INVALID_SENDER = "会话编号（sender）只能由英文字母、数字、“-”和“_”组成"
INVALID_TEXT = "文字中含有无法识别的字符（无效的 Unicode 编码），请删除后重新发送"


def valid_unicode(value: object) -> object:
    """Refuse a string that cannot be encoded as UTF-8. The error shows it with that character escaped:
    FastAPI puts the input into the 422 body, which could not be sent with the character itself."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            shown = value.encode("utf-8", "backslashreplace").decode("utf-8")
            error = InitErrorDetails(type=PydanticCustomError("invalid_unicode", INVALID_TEXT), input=shown)
            raise ValidationError.from_exception_data("text", [error]) from None
    return value


def safe_sender(value: str) -> str:
    if not re.fullmatch(SENDER_PATTERN, value):
        raise PydanticCustomError("invalid_sender", INVALID_SENDER)
    return value


SenderId = Annotated[
    str,
    BeforeValidator(valid_unicode),
    Field(
        min_length=1,
        max_length=128,
        json_schema_extra={"pattern": SENDER_PATTERN},
        description="a stable id of the conversation: letters, digits, - and _",
    ),
    AfterValidator(safe_sender),
]
UnicodeText = Annotated[str, BeforeValidator(valid_unicode)]
RowId = Annotated[int, Path(ge=1, le=INT64_MAX, description="the id of a database row")]


class ChatRequest(BaseModel):
    sender: SenderId
    message: UnicodeText = Field(max_length=5000, description="what the user typed")


class SenderRequest(BaseModel):
    """One conversation, named by its sender id: ``POST /api/chat/reset``'s body, ``GET /api/chat/state``'s query."""

    sender: SenderId


class ConversationState(BaseModel):
    sender: str
    active_form: str | None = Field(description="the form waiting for the user's answer (Rasa's active loop)")
    form_title: str | None = Field(description="that form's Chinese name, as the web page shows it")


class Button(BaseModel):
    title: str
    payload: str


class CitationOut(BaseModel):
    law: str
    short_name: str
    article: str
    quote: str
    url: str


class BotReply(BaseModel):
    text: str = ""
    buttons: list[Button] = []
    kind: str | None = None
    entry_ids: list[str] = []
    citations: list[CitationOut] = []
    handoff_id: int | None = Field(None, description="a handoff reply's request in the staff queue (call-back form)")


class ChatResponse(BaseModel):
    sender: str
    intent: str | None
    confidence: float | None
    replies: list[BotReply]


class SearchHit(BaseModel):
    id: str
    collection: str
    area: str
    title: str
    score: float
    dense: float
    keyword: float
    answer: str
    citations: list[CitationOut]


class SearchResponse(BaseModel):
    query: str
    confident: bool
    ambiguous: bool
    hits: list[SearchHit]


class ArticleOut(BaseModel):
    law: str
    short_name: str
    version: str | None
    article: str
    text: str


class ComponentHealth(BaseModel):
    ok: bool
    detail: str = ""


class HealthResponse(BaseModel):
    ok: bool
    rasa: ComponentHealth
    action_server: ComponentHealth
    index: ComponentHealth
