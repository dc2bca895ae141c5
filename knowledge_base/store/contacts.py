"""Former home of the mediation contacts; they now live in the services directory (``knowledge_base.store.services``).

Kept so that older imports keep working: the mediation bodies' contacts are
rows of ``service_contacts`` like every other body's.
"""

from __future__ import annotations

from knowledge_base.store.services import FIELDS, LiveServices, contact_fields, contact_rows, save_contact

LiveContacts = LiveServices

__all__ = ["FIELDS", "LiveContacts", "contact_fields", "contact_rows", "save_contact"]
