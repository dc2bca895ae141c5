"""Legislative-opinion collection (立法意见征集): consultations on draft regulations and what residents send in.

A ``Consultation`` is a draft regulation put out for comment: its title,
issuing body, plain-language summary, open and close dates and its articles
(parsed from the draft by ``knowledge_base.drafts``), questionnaire questions
and events (座谈会/论证会 with a capacity). It moves draft → published →
closed; each step, and every handling decision, is written to the audit log.

Residents (a hashed sender, as in ``turns``) leave ``ConsultationComment`` rows
on one article or on the whole draft, answer the questionnaire once per
consultation (the answer is replaced while the consultation is open) and sign
up for events. Texts arrive already masked (``api.curation.masking``); a
comment carries the message id it came with, unique, so a message delivered
twice is stored once. Staff mark each comment 采纳/部分采纳/未采纳 with a reason
and publish a feedback notice that residents then see.

``LiveConsultations`` is the read side for a running bot (the action server),
which opens the database only when it exists, like ``LiveContacts``: the open
consultations, and what one conversation sent in (``mine``, for 「我的意见」).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from knowledge_base.drafts import Draft
from knowledge_base.settings import database_url
from knowledge_base.store.models import AuditEvent, Base, User, utcnow
from knowledge_base.store.senders import sender_hash

AUDIT_TARGET = "consultation/{id}"
MAX_COMMENT_CHARS = 1000
MAX_CONTACT_CHARS = 100
RATE_WINDOW = timedelta(minutes=10)
RATE_LIMIT = 10  # comments per sender within RATE_WINDOW


class ConsultationState(str, Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CLOSED = "closed"


STATE_NAMES = {"draft": "草稿", "published": "征集中", "closed": "已截止"}


class QuestionKind(str, Enum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TEXT = "text"


class Handling(str, Enum):
    ADOPTED = "adopted"
    PARTLY = "partly"
    NOT_ADOPTED = "not_adopted"


HANDLING_NAMES = {"adopted": "采纳", "partly": "部分采纳", "not_adopted": "未采纳"}


class Consultation(Base):
    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(100))
    summary: Mapped[str] = mapped_column(Text, default="")
    preamble: Mapped[str] = mapped_column(Text, default="")
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16), default=ConsultationState.DRAFT.value, index=True)
    feedback: Mapped[str | None] = mapped_column(Text, nullable=True)  # the published feedback notice
    feedback_published_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    articles: Mapped[list[ConsultationArticle]] = relationship(
        back_populates="consultation", order_by="ConsultationArticle.position", cascade="all, delete-orphan"
    )
    questions: Mapped[list[ConsultationQuestion]] = relationship(
        order_by="ConsultationQuestion.position", cascade="all, delete-orphan"
    )
    events: Mapped[list[ConsultationEvent]] = relationship(
        order_by="ConsultationEvent.starts_at", cascade="all, delete-orphan"
    )

    def accepting(self, today: date | None = None) -> bool:
        """Published and within its dates: comments, answers and sign-ups are taken."""
        today = today or beijing_today()
        return self.state == ConsultationState.PUBLISHED.value and self.opens_on <= today <= self.closes_on


class ConsultationArticle(Base):
    __tablename__ = "consultation_articles"
    __table_args__ = (UniqueConstraint("consultation_id", "number", "suffix"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    chapter: Mapped[str] = mapped_column(String(200), default="")
    number: Mapped[int] = mapped_column(Integer)
    suffix: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(32))  # 第十二条之一
    text: Mapped[str] = mapped_column(Text)
    consultation: Mapped[Consultation] = relationship(back_populates="articles")


class ConsultationQuestion(Base):
    __tablename__ = "consultation_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    prompt: Mapped[str] = mapped_column(String(300))
    options: Mapped[list] = mapped_column(JSON, default=list)


class ConsultationEvent(Base):
    __tablename__ = "consultation_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))  # 座谈会, 论证会
    starts_at: Mapped[datetime] = mapped_column(DateTime)  # Beijing local time, as staff typed it
    place: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int] = mapped_column(Integer)


class ConsultationComment(Base):
    """One resident's opinion on an article (``article_id``) or on the whole draft (None); ``text`` is masked."""

    __tablename__ = "consultation_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_articles.id", ondelete="CASCADE"), nullable=True, index=True
    )
    sender: Mapped[str] = mapped_column(String(16), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[str] = mapped_column(String(100), unique=True)
    text: Mapped[str] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(100), nullable=True)  # only with consent, masked
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    handling: Mapped[str | None] = mapped_column(String(16), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    handled_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    article: Mapped[ConsultationArticle | None] = relationship()


class QuestionnaireAnswer(Base):
    """One sender's questionnaire for one consultation: ``answers`` maps question id (as text) to a value."""

    __tablename__ = "questionnaire_answers"
    __table_args__ = (UniqueConstraint("consultation_id", "sender"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    sender: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class EventSignup(Base):
    __tablename__ = "event_signups"
    __table_args__ = (UniqueConstraint("event_id", "sender"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("consultation_events.id", ondelete="CASCADE"), index=True)
    sender: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(50))
    contact: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    event: Mapped[ConsultationEvent] = relationship()


class ConsultationError(Exception):
    """A refused request, with an HTTP-like status and a polite Chinese message for the resident or staff."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def beijing_today() -> date:
    return (utcnow() + timedelta(hours=8)).date()


def _audit(session: Session, actor: User | None, action: str, consultation: Consultation, detail: str) -> None:
    session.add(
        AuditEvent(
            actor_id=actor.id if actor else None,
            action=action,
            target=AUDIT_TARGET.format(id=consultation.id),
            detail=detail,
        )
    )


# ---- staff: lifecycle -------------------------------------------------------------------------


@dataclass
class QuestionSpec:
    kind: str
    prompt: str
    options: list[str]


@dataclass
class EventSpec:
    name: str
    starts_at: datetime
    place: str
    capacity: int


def create_consultation(
    session: Session,
    actor: User,
    *,
    title: str,
    issuer: str,
    summary: str,
    opens_on: date,
    closes_on: date,
    draft: Draft,
    questions: list[QuestionSpec] = (),  # type: ignore[assignment]
    events: list[EventSpec] = (),  # type: ignore[assignment]
) -> Consultation:
    """A new consultation in the draft state (audited); the caller commits."""
    if closes_on < opens_on:
        raise ConsultationError(422, "截止日期不能早于开始日期")
    consultation = Consultation(
        title=title or draft.title,
        issuer=issuer,
        summary=summary,
        preamble=draft.preamble,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by_id=actor.id,
    )
    consultation.articles = [
        ConsultationArticle(
            position=position,
            chapter=article.chapter,
            number=article.number.number,
            suffix=article.number.suffix,
            label=article.label,
            text=article.text,
        )
        for position, article in enumerate(draft.articles)
    ]
    consultation.questions = [
        ConsultationQuestion(position=position, kind=spec.kind, prompt=spec.prompt, options=spec.options)
        for position, spec in enumerate(questions)
    ]
    consultation.events = [
        ConsultationEvent(name=spec.name, starts_at=spec.starts_at, place=spec.place, capacity=spec.capacity)
        for spec in events
    ]
    session.add(consultation)
    session.flush()
    _audit(session, actor, "consultation_create", consultation, f"{consultation.title}：{len(draft.articles)}条")
    return consultation


def get_consultation(session: Session, consultation_id: int, public: bool = False) -> Consultation:
    """The consultation, or a 404; with ``public`` a draft is not found either."""
    consultation = session.get(Consultation, consultation_id)
    if consultation is None or (public and consultation.state == ConsultationState.DRAFT.value):
        raise ConsultationError(404, "没有找到这个征求意见项目")
    return consultation


def publish(session: Session, actor: User, consultation: Consultation) -> None:
    if consultation.state != ConsultationState.DRAFT.value:
        raise ConsultationError(409, "只有草稿可以发布")
    consultation.state = ConsultationState.PUBLISHED.value
    _audit(session, actor, "consultation_publish", consultation, consultation.title)


def close(session: Session, actor: User, consultation: Consultation) -> None:
    if consultation.state != ConsultationState.PUBLISHED.value:
        raise ConsultationError(409, "只有征集中的项目可以截止")
    consultation.state = ConsultationState.CLOSED.value
    _audit(session, actor, "consultation_close", consultation, consultation.title)


def handle_comment(session: Session, actor: User, comment: ConsultationComment, handling: str, reason: str) -> None:
    """Mark a comment 采纳/部分采纳/未采纳 with a reason (a reason is needed unless adopted); audited."""
    if handling not in HANDLING_NAMES:
        raise ConsultationError(422, "请选择采纳、部分采纳或未采纳")
    reason = reason.strip()
    if handling != Handling.ADOPTED.value and not reason:
        raise ConsultationError(422, "部分采纳或未采纳时请填写理由")
    comment.handling, comment.reason = handling, reason
    comment.handled_by_id, comment.handled_at = actor.id, utcnow()
    consultation = session.get(Consultation, comment.consultation_id)
    _audit(
        session, actor, "consultation_handle", consultation, f"意见{comment.id}：{HANDLING_NAMES[handling]}；{reason}"
    )


def publish_feedback(session: Session, actor: User, consultation: Consultation, text: str) -> None:
    text = text.strip()
    if not text:
        raise ConsultationError(422, "反馈说明不能为空")
    consultation.feedback, consultation.feedback_published_at = text, utcnow()
    _audit(session, actor, "consultation_feedback", consultation, text[:200])


# ---- residents ----------------------------------------------------------------------------------


def open_consultations(session: Session, today: date | None = None) -> list[Consultation]:
    """The published consultations taking opinions today, closing soonest first."""
    today = today or beijing_today()
    return list(
        session.scalars(
            select(Consultation)
            .where(
                Consultation.state == ConsultationState.PUBLISHED.value,
                Consultation.opens_on <= today,
                Consultation.closes_on >= today,
            )
            .order_by(Consultation.closes_on, Consultation.id)
        )
    )


def _require_open(consultation: Consultation) -> None:
    if not consultation.accepting():
        raise ConsultationError(409, "这个征求意见项目已经截止（或尚未开始），暂不接收新的意见，感谢您的关注。")


def add_comment(
    session: Session,
    consultation: Consultation,
    *,
    sender: str,
    channel: str,
    message_id: str,
    text: str,
    article_id: int | None = None,
    contact: str | None = None,
    now: datetime | None = None,
) -> tuple[ConsultationComment, bool]:
    """Store a (masked) comment; ``(comment, created)``; a repeated message id returns the stored one."""
    existing = session.scalar(select(ConsultationComment).where(ConsultationComment.message_id == message_id))
    if existing is not None:
        return existing, False
    _require_open(consultation)
    text = text.strip()
    if not text:
        raise ConsultationError(422, "意见内容不能为空，请写下您的意见。")
    if len(text) > MAX_COMMENT_CHARS:
        raise ConsultationError(
            422, f"您的意见有{len(text)}字，超过了{MAX_COMMENT_CHARS}字的上限，请精简后分几次提交，谢谢！"
        )
    if article_id is not None and article_id not in {article.id for article in consultation.articles}:
        raise ConsultationError(404, "没有找到这一条，请从条文列表中选择。")
    since = (now or utcnow()) - RATE_WINDOW
    recent = session.scalar(
        select(func.count(ConsultationComment.id)).where(
            ConsultationComment.sender == sender, ConsultationComment.created_at >= since
        )
    )
    if recent >= RATE_LIMIT:
        raise ConsultationError(429, "您提交得有点频繁，请稍等几分钟再提交，谢谢理解。")
    contact = (contact or "").strip()[:MAX_CONTACT_CHARS] or None
    comment = ConsultationComment(
        consultation_id=consultation.id,
        article_id=article_id,
        sender=sender,
        channel=channel,
        message_id=message_id,
        text=text,
        contact=contact,
        created_at=now or utcnow(),
    )
    session.add(comment)
    session.flush()
    return comment, True


def save_answers(
    session: Session, consultation: Consultation, *, sender: str, channel: str, answers: dict[str, object]
) -> QuestionnaireAnswer:
    """Store (or replace) this sender's questionnaire; values are checked against the questions."""
    _require_open(consultation)
    clean: dict[str, object] = {}
    for question in consultation.questions:
        value = answers.get(str(question.id))
        if value in (None, "", []):
            continue
        if question.kind == QuestionKind.SINGLE.value:
            if value not in question.options:
                raise ConsultationError(422, f"“{question.prompt}”的选项无效，请重新选择。")
        elif question.kind == QuestionKind.MULTIPLE.value:
            if not isinstance(value, list) or any(choice not in question.options for choice in value):
                raise ConsultationError(422, f"“{question.prompt}”的选项无效，请重新选择。")
        else:
            if not isinstance(value, str) or len(value) > MAX_COMMENT_CHARS:
                raise ConsultationError(422, f"“{question.prompt}”的回答请不要超过{MAX_COMMENT_CHARS}字。")
        clean[str(question.id)] = value
    row = session.scalar(
        select(QuestionnaireAnswer).where(
            QuestionnaireAnswer.consultation_id == consultation.id, QuestionnaireAnswer.sender == sender
        )
    )
    if row is None:
        row = QuestionnaireAnswer(consultation_id=consultation.id, sender=sender, channel=channel)
        session.add(row)
    row.answers = clean
    session.flush()
    return row


def signups(session: Session, event: ConsultationEvent) -> list[EventSignup]:
    return list(session.scalars(select(EventSignup).where(EventSignup.event_id == event.id).order_by(EventSignup.id)))


def places_left(session: Session, event: ConsultationEvent) -> int:
    taken = session.scalar(select(func.count(EventSignup.id)).where(EventSignup.event_id == event.id)) or 0
    return max(0, event.capacity - taken)


def sign_up(
    session: Session,
    consultation: Consultation,
    event_id: int,
    *,
    sender: str,
    channel: str,
    name: str,
    contact: str,
) -> EventSignup:
    _require_open(consultation)
    event = next((event for event in consultation.events if event.id == event_id), None)
    if event is None:
        raise ConsultationError(404, "没有找到这场活动。")
    name, contact = name.strip()[:50], contact.strip()[:MAX_CONTACT_CHARS]
    if not name or not contact:
        raise ConsultationError(422, "报名需要填写称呼和联系方式，方便工作人员通知您。")
    existing = session.scalar(select(EventSignup).where(EventSignup.event_id == event.id, EventSignup.sender == sender))
    if existing is not None:
        return existing
    if places_left(session, event) <= 0:
        raise ConsultationError(409, "这场活动的名额已满，感谢您的关注，您仍可以在线提交意见。")
    row = EventSignup(event_id=event.id, sender=sender, channel=channel, name=name, contact=contact)
    session.add(row)
    session.flush()
    return row


def my_comments(session: Session, consultation: Consultation | None, sender: str) -> list[ConsultationComment]:
    query = select(ConsultationComment).where(ConsultationComment.sender == sender)
    if consultation is not None:
        query = query.where(ConsultationComment.consultation_id == consultation.id)
    return list(session.scalars(query.order_by(ConsultationComment.id)))


def my_answers(session: Session, consultation: Consultation, sender: str) -> dict:
    row = session.scalar(
        select(QuestionnaireAnswer).where(
            QuestionnaireAnswer.consultation_id == consultation.id, QuestionnaireAnswer.sender == sender
        )
    )
    return dict(row.answers) if row else {}


# ---- staff: responses ---------------------------------------------------------------------------


@dataclass
class ArticleResponses:
    article: ConsultationArticle | None  # None: comments on the whole draft
    comments: list[ConsultationComment]

    @property
    def label(self) -> str:
        return self.article.label if self.article else "整体意见"


def comments_by_article(session: Session, consultation: Consultation) -> list[ArticleResponses]:
    """The whole-draft comments first, then every article in order with its comments (possibly none)."""
    comments = list(
        session.scalars(
            select(ConsultationComment)
            .where(ConsultationComment.consultation_id == consultation.id)
            .order_by(ConsultationComment.id)
        )
    )
    groups = [ArticleResponses(None, [c for c in comments if c.article_id is None])]
    for article in consultation.articles:
        groups.append(ArticleResponses(article, [c for c in comments if c.article_id == article.id]))
    return groups


def questionnaire_results(session: Session, consultation: Consultation) -> list[dict]:
    """Per question: its prompt, kind, option counts (choices) or the texts (free text)."""
    rows = list(
        session.scalars(select(QuestionnaireAnswer).where(QuestionnaireAnswer.consultation_id == consultation.id))
    )
    results = []
    for question in consultation.questions:
        values = [row.answers.get(str(question.id)) for row in rows]
        values = [value for value in values if value not in (None, "", [])]
        counts = {option: 0 for option in question.options}
        texts: list[str] = []
        for value in values:
            if question.kind == QuestionKind.TEXT.value:
                texts.append(str(value))
            else:
                for choice in value if isinstance(value, list) else [value]:
                    counts[choice] = counts.get(choice, 0) + 1
        results.append({"question": question, "answered": len(values), "counts": counts, "texts": texts})
    return results


def answer_rows(session: Session, consultation: Consultation) -> list[QuestionnaireAnswer]:
    return list(
        session.scalars(
            select(QuestionnaireAnswer)
            .where(QuestionnaireAnswer.consultation_id == consultation.id)
            .order_by(QuestionnaireAnswer.id)
        )
    )


# ---- the running bot ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenArticle:
    id: int
    label: str
    chapter: str
    text: str


@dataclass(frozen=True)
class OpenConsultation:
    """A consultation taking opinions, detached from the database, as the chat shows it."""

    id: int
    title: str
    issuer: str
    summary: str
    closes_on: date
    articles: tuple[OpenArticle, ...]
    feedback: str | None


@dataclass(frozen=True)
class MyComment:
    """One opinion a conversation sent in, as 「我的意见」 shows it; ``handling`` and ``reason`` only once the
    consultation's feedback notice is published (as on the web page)."""

    title: str
    article: str  # 第五条, or 整体意见
    text: str
    handling: str | None  # 采纳, 部分采纳, 未采纳
    reason: str


def my_comment_views(session: Session, sender: str) -> list[MyComment]:
    """Everything ``sender`` (hashed) sent in, on any consultation, oldest first."""
    views = []
    for comment in my_comments(session, None, sender):
        consultation = session.get(Consultation, comment.consultation_id)
        published = consultation.feedback is not None
        views.append(
            MyComment(
                title=consultation.title,
                article=comment.article.label if comment.article else "整体意见",
                text=comment.text,
                handling=HANDLING_NAMES.get(comment.handling or "") if published else None,
                reason=(comment.reason or "") if published and comment.handling else "",
            )
        )
    return views


class LiveConsultations:
    """The open consultations for a running process (the action server), read from the database on each call;
    without a database, or one not migrated to these tables yet, there are none."""

    def __init__(self, url: str | None = None):
        self.url = url
        self._engine: Engine | None = None

    def _read(self, read: Callable[[Session], list]) -> list:
        from knowledge_base.store.db import existing_engine  # here: db imports the models on its own

        if self._engine is None:
            self._engine = existing_engine(self.url or database_url())
        if self._engine is None:
            return []
        try:
            with Session(self._engine) as session:
                return read(session)
        except (OperationalError, ProgrammingError):  # database not migrated to these tables yet
            return []

    def current(self) -> list[OpenConsultation]:
        return self._read(
            lambda session: [
                OpenConsultation(
                    id=row.id,
                    title=row.title,
                    issuer=row.issuer,
                    summary=row.summary,
                    closes_on=row.closes_on,
                    articles=tuple(OpenArticle(a.id, a.label, a.chapter, a.text) for a in row.articles),
                    feedback=row.feedback,
                )
                for row in open_consultations(session)
            ]
        )

    def mine(self, sender_id: str) -> list[MyComment]:
        """What the conversation ``sender_id`` (as Rasa names it) sent in, with the published handling."""
        return self._read(lambda session: my_comment_views(session, sender_hash(sender_id)))
