"""Staff-entered contacts of the mediation bodies: read them, save one (audited), and read them from a running bot.

The ``mediation_contacts`` table holds, per body id of
knowledge_base/services/mediation.yml, the address, phone and opening hours
staff entered on /admin/mediation; a row replaces the YAML's contact for that
body. ``LiveContacts.current`` is what the action server calls on every
mediation answer: one small query (at most one row per body), so a saved
contact is served by the next answer; without a database, or with one not
migrated yet, it returns no overrides and the YAML is served as before.
Validation of the values is the mediation data model's (actions/mediation.py).
"""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from knowledge_base.settings import database_url
from knowledge_base.store.db import existing_engine
from knowledge_base.store.models import AuditEvent, MediationContact, User

FIELDS = ("address", "phone", "hours")
AUDIT_ACTION = "mediation_contact"


def contact_rows(session: Session) -> dict[str, MediationContact]:
    """Every saved contact by body id."""
    return {row.body_id: row for row in session.scalars(select(MediationContact))}


def contact_fields(session: Session) -> dict[str, dict[str, str]]:
    """Every saved contact by body id, as ``{"address": …, "phone": …, "hours": …}``."""
    return {body_id: {field: getattr(row, field) for field in FIELDS} for body_id, row in contact_rows(session).items()}


def save_contact(session: Session, actor: User, body_id: str, values: dict[str, str]) -> MediationContact:
    """Store the (already validated) contact of ``body_id`` and audit the change; the caller commits."""
    row = session.get(MediationContact, body_id) or MediationContact(body_id=body_id)
    for field in FIELDS:
        setattr(row, field, values[field])
    row.updated_by_id = actor.id
    session.add(row)
    detail = "；".join(
        f"{label}：{values[field] or '（空）'}" for field, label in zip(FIELDS, ("地址", "电话", "开放时间"))
    )
    session.add(AuditEvent(actor_id=actor.id, action=AUDIT_ACTION, target=f"mediation/{body_id}", detail=detail))
    return row


class LiveContacts:
    """The saved contacts for a running process, read from the curation database on each call."""

    def __init__(self, url: str | None = None):
        self.url = url or database_url()
        self._engine: Engine | None = None

    def current(self) -> dict[str, dict[str, str]]:
        if self._engine is None:
            self._engine = existing_engine(self.url)
        if self._engine is None:
            return {}
        try:
            with Session(self._engine) as session:
                return contact_fields(session)
        except (OperationalError, ProgrammingError):  # database not migrated to this table yet
            return {}
