"""The staff-entered contacts of the local services directory, as the running action server sees them.

One ``LiveServices`` for the process: every answer that sends people to a body
(a next step naming the legal-aid centre, the referral, the legal-aid result,
mediation routing) reads the saved contacts once, so a contact saved on
/admin/services is in the next answer without a restart. Pure: no Rasa SDK.
"""

from __future__ import annotations

from knowledge_base.store.services import LiveServices

live = LiveServices()


def current() -> dict[str, dict[str, str]]:
    """Every saved contact by body id ({} without a database)."""
    return live.current()
