"""Pydantic request and response models of the curation JSON API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from knowledge_base.store.models import Role, State


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class TokenResponse(BaseModel):
    token: str
    username: str
    role: Role


class UserCreate(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    role: Role


class UserOut(BaseModel):
    id: int
    username: str
    role: Role


class EntryCreate(BaseModel):
    data: dict = Field(description="the entry in its YAML shape (see knowledge_base/entries/README.md)")


class EntrySave(EntryCreate):
    version: int = Field(description="the lock version the edit started from")


class Transition(BaseModel):
    version: int = Field(description="the lock version the action is based on")
    comment: str = ""


class EntrySummary(BaseModel):
    id: str
    title: str
    state: State
    version: int
    served: bool
    updated_at: datetime


class EntryOut(EntrySummary):
    data: dict
    published: dict | None
    review_comment: str | None


class VersionOut(BaseModel):
    number: int
    author: str | None
    created_at: datetime
    data: dict


class DiffOut(BaseModel):
    first: int
    second: int
    diff: str


class AuditOut(BaseModel):
    at: datetime
    actor: str | None
    action: str
    target: str
    detail: str
