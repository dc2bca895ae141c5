"""The ``handoff_requests`` table: every 「转人工」 the bot gave, waiting for staff (open → assigned → done).

A request is made by the API's message path whenever a reply of kind
``handoff`` goes out (asked for, or after repeated misunderstanding), with the
conversation's last turns as the turn log holds them (masked text). The
resident may leave a phone number and a convenient time for a call-back:
``callback_phone`` is the only column in the whole database where a raw phone
number may live; it is cleared when the request is closed and after 30 days.
``sender`` is the channel name and the hashed sender id (``web:1f2e…``), the
same hash the turn log keeps, so the request's turns can be found again.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from knowledge_base.store.models import Base, User, utcnow


class HandoffStatus(str, Enum):
    OPEN = "open"
    ASSIGNED = "assigned"
    DONE = "done"


class HandoffReason(str, Enum):
    REQUESTED = "requested"  # the resident asked for a person
    FALLBACK = "fallback"  # the bot offered people after repeated misunderstanding


class HandoffRequest(Base):
    """One handoff to a person; texts are masked, except ``callback_phone`` (raw, access-controlled, short-lived)."""

    __tablename__ = "handoff_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender: Mapped[str] = mapped_column(String(64), index=True)  # "<channel>:<sender hash>"
    channel: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(16))
    last_question: Mapped[str | None] = mapped_column(Text, nullable=True)  # masked
    last_turns: Mapped[list] = mapped_column(JSON, default=list)  # [{"at", "text", "kind"}], texts masked
    status: Mapped[str] = mapped_column(String(16), default=HandoffStatus.OPEN.value, index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    wants_callback: Mapped[bool] = mapped_column(Boolean, default=False)
    callback_phone: Mapped[str | None] = mapped_column(String(32), nullable=True)  # raw: the only such column
    callback_time: Mapped[str] = mapped_column(String(100), default="")  # masked free text
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    assignee: Mapped[User | None] = relationship()
