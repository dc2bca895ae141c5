"""Staff-entered contacts of the local services directory: read them, save one (audited), read them live.

The ``service_contacts`` table holds, per body id, the address, phone, opening
hours and map description staff entered on /admin/services. Body ids are
those of the mediation network (knowledge_base/services/mediation.yml) and of
the other bodies of the directory (knowledge_base/service_data/directory.py);
a row replaces the empty contact of that body. It replaced the
``mediation_contacts`` table (migration 0006 moved its rows here).
``LiveServices.current`` is what the action server calls on every answer that
sends people somewhere: one small query (at most one row per body), so a saved
contact is served by the next answer; without a database, or with one not
migrated yet, it returns no contacts and the bot keeps its hotline text.
Validation of the values is the directory's (``ContactFields``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Engine, ForeignKey, String, select
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from knowledge_base.service_data.directory import CONTACT_FIELDS
from knowledge_base.settings import database_url
from knowledge_base.store.models import AuditEvent, Base, User, utcnow

FIELDS = CONTACT_FIELDS
LABELS = {"address": "地址", "phone": "电话", "hours": "开放时间", "map_note": "位置说明"}
AUDIT_ACTION = "service_contact"


class ServiceContact(Base):
    """Staff-entered contact of one body of the directory (mediation bodies included)."""

    __tablename__ = "service_contacts"

    body_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    hours: Mapped[str] = mapped_column(String(100), default="")
    map_note: Mapped[str] = mapped_column(String(200), default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[User | None] = relationship()


def contact_rows(session: Session) -> dict[str, ServiceContact]:
    """Every saved contact by body id."""
    return {row.body_id: row for row in session.scalars(select(ServiceContact))}


def contact_fields(session: Session) -> dict[str, dict[str, str]]:
    """Every saved contact by body id, as ``{"address": …, "phone": …, "hours": …, "map_note": …}``."""
    return {body_id: {field: getattr(row, field) for field in FIELDS} for body_id, row in contact_rows(session).items()}


def save_contact(session: Session, actor: User, body_id: str, values: dict[str, str]) -> ServiceContact:
    """Store the (already validated) contact of ``body_id`` and audit the change; the caller commits.

    Fields missing from ``values`` keep their saved value (empty for a new row).
    """
    row = session.get(ServiceContact, body_id) or ServiceContact(body_id=body_id)
    for field in FIELDS:
        setattr(row, field, values.get(field, getattr(row, field) or ""))
    row.updated_by_id = actor.id
    session.add(row)
    detail = "；".join(f"{LABELS[field]}：{getattr(row, field) or '（空）'}" for field in FIELDS)
    session.add(AuditEvent(actor_id=actor.id, action=AUDIT_ACTION, target=f"services/{body_id}", detail=detail))
    return row


class LiveServices:
    """The saved contacts for a running process, read from the curation database on each call."""

    def __init__(self, url: str | None = None):
        self.url = url or database_url()
        self._engine: Engine | None = None

    def current(self) -> dict[str, dict[str, str]]:
        if self._engine is None:
            from knowledge_base.store.db import existing_engine  # db imports models, which register this module

            self._engine = existing_engine(self.url)
        if self._engine is None:
            return {}
        try:
            with Session(self._engine) as session:
                return contact_fields(session)
        except (OperationalError, ProgrammingError):  # database not migrated to this table yet
            return {}
