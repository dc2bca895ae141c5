"""Which open questions the unanswered queue shows and in what order: the filters and sort staff choose.

``QueueFilters`` holds the choices — channel, area, kind (why the question was
queued: ``unanswered.REASON_NAMES``), a range of Beijing days the question was
last asked in, and the sort: ``size`` (the most asked group first) or
``newest`` (the group asked most recently first). Blank values mean "any", so
a plain HTML form can send every field. Questions are grouped when queued;
filters then narrow each group to its matching questions (a group with none is
left out, and its size and last time are those of its matching questions), so
an action on a shown group closes exactly what was shown. The JSON API and the
staff page read the same query parameters through this model.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field, field_validator, model_validator
from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from api.curation.local_time import utc_start_of
from api.curation.unanswered import REASON_NAMES, open_groups
from api.curation.unanswered_groups import GroupRows
from knowledge_base.schema import Area
from knowledge_base.store.models import UnansweredItem

if TYPE_CHECKING:
    from knowledge_base.retrieval.embedder import Embedder

CHANNEL_NAMES = {"web": "网页", "wechat": "微信公众号", "wecom": "企业微信"}
SORT_NAMES = {"size": "被问次数最多的在前", "newest": "最近被问的在前"}


def _one_of(value: str | None, names: dict[str, str], what: str) -> str | None:
    if value is not None and value not in names:
        raise ValueError(f"没有这种{what}“{value}”（可选：{'、'.join(names)}）")
    return value


class QueueFilters(BaseModel):
    channel: str | None = Field(None, description=f"where the question was asked: {', '.join(CHANNEL_NAMES)}")
    area: Area | None = Field(None, description="the area the question was routed to")
    kind: str | None = Field(None, description=f"why it was queued: {', '.join(REASON_NAMES)}")
    since: date | None = Field(None, description="last asked on or after this Beijing day")
    until: date | None = Field(None, description="last asked on or before this Beijing day")
    sort: str = Field("size", description="size: the most asked group first; newest: the most recently asked first")

    @field_validator("channel", "area", "kind", "since", "until", mode="before")
    @classmethod
    def _blank_is_any(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("channel")
    @classmethod
    def _known_channel(cls, value: str | None) -> str | None:
        return _one_of(value, CHANNEL_NAMES, "渠道")

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str | None) -> str | None:
        return _one_of(value, REASON_NAMES, "问题类型")

    @field_validator("sort")
    @classmethod
    def _known_sort(cls, value: str) -> str:
        return _one_of(value, SORT_NAMES, "排序")

    @model_validator(mode="after")
    def _range_in_order(self) -> "QueueFilters":
        if self.since and self.until and self.since > self.until:
            raise ValueError("开始日期不能晚于结束日期")
        return self

    def conditions(self) -> list[ColumnElement[bool]]:
        """The filters as SQL conditions on the queue's items."""
        conditions = []
        if self.channel:
            conditions.append(UnansweredItem.channel == self.channel)
        if self.area:
            conditions.append(UnansweredItem.area == self.area.value)
        if self.kind:
            conditions.append(UnansweredItem.reason == self.kind)
        if self.since:
            conditions.append(UnansweredItem.last_seen >= utc_start_of(self.since))
        if self.until:
            conditions.append(UnansweredItem.last_seen < utc_start_of(self.until + timedelta(days=1)))
        return conditions

    def params(self) -> dict[str, str]:
        """The chosen filters and sort as query parameters (defaults left out), for links that keep them."""
        return self.model_dump(mode="json", exclude_defaults=True)


def matching_groups(session: Session, embedder: Embedder, filters: QueueFilters) -> GroupRows:
    """The open questions that match ``filters`` in their groups, in the chosen order (read a page at a time)."""
    return open_groups(session, embedder, *filters.conditions(), sort=filters.sort)
