"""Pydantic models of the unanswered-queue and analytics JSON API (``/api/curation/unanswered``, ``/analytics``)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from api.curation.analytics import Dashboard
from api.curation.unanswered import REASON_NAMES
from api.curation.unanswered_groups import StoredGroup
from api.models import INT64_MAX
from knowledge_base.store.models import QueueStatus, UnansweredItem

PAGE_SIZE = 20  # groups a page: the staff page, and the JSON API unless asked otherwise
MAX_PAGE_SIZE = 100


class CandidateOut(BaseModel):
    id: str
    title: str
    score: float | None = Field(description="dense cosine similarity to the question, when known")


def candidates_out(candidates: list[dict], titles: dict[str, str]) -> list[CandidateOut]:
    return [
        CandidateOut(id=c["id"], title=titles.get(c["id"]) or c.get("title") or "", score=c.get("score"))
        for c in candidates
    ]


class UnansweredOut(BaseModel):
    id: int
    question: str = Field(description="the question as asked, personal numbers masked")
    reason: str
    reason_name: str
    channel: str
    intent: str | None
    area: str | None
    count: int
    first_seen: datetime
    last_seen: datetime
    status: QueueStatus
    candidates: list[CandidateOut]

    @classmethod
    def of(cls, item: UnansweredItem, titles: dict[str, str]) -> "UnansweredOut":
        return cls(
            id=item.id,
            question=item.question,
            reason=item.reason,
            reason_name=REASON_NAMES.get(item.reason, item.reason),
            channel=item.channel,
            intent=item.intent,
            area=item.area,
            count=item.count,
            first_seen=item.first_seen,
            last_seen=item.last_seen,
            status=item.status,
            candidates=candidates_out(item.candidates, titles),
        )


class GroupOut(BaseModel):
    id: int = Field(description="the group's id, for closing the whole group in one action (``group``)")
    size: int = Field(description="how many questions the group holds (those matching the filters)")
    total: int = Field(description="how often the questions of this group were asked")
    newest: datetime | None = Field(description="when a question of this group was last asked")
    items: list[UnansweredOut] = Field(description="the group's questions, the representative first")

    @classmethod
    def of(cls, group: StoredGroup, titles: dict[str, str]) -> "GroupOut":
        return cls(
            id=group.id,
            size=group.size,
            total=group.total,
            newest=group.newest,
            items=[UnansweredOut.of(item, titles) for item in group.members],
        )


class GroupPage(BaseModel):
    total: int = Field(description="how many groups match the filters")
    page: int = Field(description="this page's number, from 1 (past the last page: no groups)")
    page_size: int
    pages: int = Field(description="how many pages the matching groups fill (at least 1)")
    groups: list[GroupOut]


class QueueAction(BaseModel):
    also: list[int] = Field(default=[], max_length=500, description="further items (of the same group) to close too")
    group: int | None = Field(
        None,
        ge=1,
        le=INT64_MAX,
        description="the item's group (``GroupOut.id``): close all its open questions that match the action's "
        "filters too, however many",
    )


class DraftCreate(QueueAction):
    data: dict = Field(description="the edited draft template, in the entry's YAML shape")


class AttachRequest(QueueAction):
    entry_id: str = Field(min_length=1, max_length=100)
    version: int = Field(description="the entry's lock version the attach is based on")


class DismissRequest(QueueAction):
    reason: str = Field(max_length=500)


class DraftTemplate(BaseModel):
    data: dict


class Resolved(BaseModel):
    status: QueueStatus
    closed: list[int]
    entry_id: str | None = None
    version: int | None = None


class Share(BaseModel):
    name: str
    count: int


class Topic(BaseModel):
    question: str
    count: int


class DashboardOut(BaseModel):
    days: list[date]
    messages: list[int]
    handoffs: list[int]
    intents: list[Share]
    areas: list[Share]
    questions: int
    abstained: int
    abstain_rate: float | None
    useful: int
    not_useful: int
    useful_ratio: float | None
    top_unanswered: list[Topic]

    @classmethod
    def of(cls, figures: Dashboard, topics: list[tuple[str, int]]) -> "DashboardOut":
        return cls(
            days=figures.days,
            messages=figures.messages,
            handoffs=figures.handoffs,
            intents=[Share(name=n, count=c) for n, c in figures.intents],
            areas=[Share(name=n, count=c) for n, c in figures.areas],
            questions=figures.questions,
            abstained=figures.abstained,
            abstain_rate=figures.abstain_rate,
            useful=figures.useful,
            not_useful=figures.not_useful,
            useful_ratio=figures.useful_ratio,
            top_unanswered=[Topic(question=q, count=c) for q, c in topics],
        )
