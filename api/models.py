"""Pydantic models: the API's contract (request and response bodies)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class ChatRequest(BaseModel):
    sender: str = Field(min_length=1, max_length=128, description="a stable id of the conversation")
    message: str = Field(max_length=5000, description="what the user typed")


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
