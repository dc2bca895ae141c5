"""SQLAlchemy 2 models for curation: staff accounts, tokens, login attempts, entries, versions, audit, revision.

An entry row keeps two copies of its content as the YAML-shaped record: ``data``
is the working copy staff edit and review, ``published`` is what the bot
serves (``None`` until first published and after archiving). ``lock_version``
increases on every change and is the optimistic-locking token. The single
``kb_revision`` row counts changes to the served content so that running
processes can notice and rebuild their retrievers. ``turns`` logs every chat
turn (masked text, hashed sender) and ``unanswered`` is the staff queue of
questions the bot abstained on, fell back on or got 没用 for, grouped on insert into
``unanswered_groups``. The staff-entered
contacts of the services directory (mediation bodies included) are the
``service_contacts`` table of knowledge_base/store/services.py.
"""

from __future__ import annotations

from datetime import datetime, timezone
from enum import Enum

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Role(str, Enum):
    EDITOR = "editor"
    REVIEWER = "reviewer"
    LEGISLATION = "legislation"  # manages legislative-opinion consultations only (api/admin/routes/consultations.py)
    ADMIN = "admin"


class State(str, Enum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    user: Mapped[User] = relationship()


class LoginAttempt(Base):
    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool]
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class GuideIssueRow(Base):
    __tablename__ = "guide_issues"

    issue: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    theme: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(100))
    source_file: Mapped[str] = mapped_column(String(200))


class EntryRow(Base):
    __tablename__ = "entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    data: Mapped[dict] = mapped_column(JSON)
    published: Mapped[dict | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    source_file: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    last_editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    review_comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    versions: Mapped[list["EntryVersion"]] = relationship(back_populates="entry", order_by="EntryVersion.number")

    __mapper_args__ = {"version_id_col": lock_version}


class EntryVersion(Base):
    __tablename__ = "entry_versions"
    __table_args__ = (UniqueConstraint("entry_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSON)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    entry: Mapped[EntryRow] = relationship(back_populates="versions")
    author: Mapped[User | None] = relationship()


class AuditEvent(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(100))
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[User | None] = relationship()


class KbRevision(Base):
    __tablename__ = "kb_revision"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    counter: Mapped[int] = mapped_column(Integer, default=0)
    seed_hash: Mapped[str] = mapped_column(String(64), default="")


class QueueStatus(str, Enum):
    OPEN = "open"
    DRAFTED = "drafted"
    ATTACHED = "attached"
    DISMISSED = "dismissed"


class Turn(Base):
    """One user message and what the bot did with it; ``text`` is masked, ``sender`` a short hash."""

    __tablename__ = "turns"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    channel: Mapped[str] = mapped_column(String(16))
    sender: Mapped[str] = mapped_column(String(16), index=True)
    text: Mapped[str] = mapped_column(Text)
    intent: Mapped[str | None] = mapped_column(String(64), nullable=True)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    area: Mapped[str | None] = mapped_column(String(32), nullable=True)
    feedback: Mapped[str | None] = mapped_column(String(16), nullable=True)
    entry_ids: Mapped[list] = mapped_column(JSON, default=list)
    scores: Mapped[list] = mapped_column(JSON, default=list)
    # handoff: reason, last_question; feedback: entry_id, question (texts masked)
    detail: Mapped[dict | None] = mapped_column(JSON(none_as_null=True), nullable=True)


class UnansweredItem(Base):
    """A question the bot could not answer well, waiting for staff (``count`` repeats of the same text)."""

    __tablename__ = "unanswered"

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    intent: Mapped[str | None] = mapped_column(String(64), nullable=True)
    area: Mapped[str | None] = mapped_column(String(32), nullable=True)
    candidates: Mapped[list] = mapped_column(JSON, default=list)
    count: Mapped[int] = mapped_column(Integer, default=1)
    first_seen: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    status: Mapped[str] = mapped_column(String(16), default=QueueStatus.OPEN.value, index=True)
    resolution: Mapped[str | None] = mapped_column(Text, nullable=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    resolved_by: Mapped[User | None] = relationship()
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # float32 vector, for grouping
    embedding_model: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # the open group it joined when queued; None once resolved (or while not yet placed)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("unanswered_groups.id"), nullable=True, index=True)


class UnansweredGroup(Base):
    """Open unanswered questions alike enough to handle once, kept up to date as questions are queued and closed.

    ``centroid`` is the mean (float32, not normalised) of the open members' unit
    question vectors, so a question's dot product with it is exactly its mean
    similarity to the members. ``size``, ``total`` (times asked), ``newest``
    (last asked) and ``representative`` (the most asked member) describe the
    open members; a group whose last member is closed is deleted.
    """

    __tablename__ = "unanswered_groups"
    # ids are never reused (SQLite otherwise reuses a deleted last id): a stale page's ticked group id cannot
    # name a newer group
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    embedding_model: Mapped[str] = mapped_column(String(200))
    centroid: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0, index=True)
    newest: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    representative_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


import knowledge_base.store.handoffs  # noqa: E402,F401  (registers handoff_requests in Base.metadata)
import knowledge_base.store.services  # noqa: E402,F401  (registers service_contacts in Base.metadata)
