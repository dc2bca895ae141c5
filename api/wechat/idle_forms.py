"""Forms left idle on WeChat and WeCom are closed with a short note before the next message is answered.

A form (Rasa's active loop: the wage steps, the legal-aid check, …) waits for
the user's answer indefinitely. On WeChat there is no 「新对话」 button, so a
user who comes back after ``form_idle_minutes`` or more with a new question
would have it read as the form's answer. When the user's last message is that
old and a form is still waiting, the conversation is reset first
(``api.conversation.reset``) and the new message is answered normally after
``IDLE_NOTE``. The time of the last message comes from the turn log in the
database, so it survives an API restart; without a database nothing is closed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool

from api.conversation import reset, state
from api.curation.masking import sender_hash
from api.curation.turns import TurnLog
from api.rasa_client import RasaClient, RasaUnavailable
from knowledge_base.store.db import Database
from knowledge_base.store.models import Turn, utcnow

log = logging.getLogger(__name__)
IDLE_NOTE = "您上次的问答已超过{minutes}分钟未继续，已为您结束。"


@dataclass(frozen=True)
class IdleCheck:
    """A form idle ``minutes`` or more at ``now`` (naive UTC, like the turn log's times) is closed."""

    minutes: float
    now: datetime

    @property
    def note(self) -> str:
        return IDLE_NOTE.format(minutes=f"{self.minutes:g}")


def clock() -> datetime:
    """Now, in the turn log's naive UTC (a FastAPI dependency, so a test can set the time)."""
    return utcnow()


def last_message_at(database: Database, channel: str, sender: str) -> datetime | None:
    """When ``sender`` (the id Rasa sees) last sent a message on ``channel`` that the turn log recorded."""
    with database.session() as session:
        return session.scalar(
            select(func.max(Turn.at)).where(Turn.channel == channel, Turn.sender == sender_hash(sender))
        )


async def close_idle_form(rasa: RasaClient, turns: TurnLog | None, sender: str, check: IdleCheck) -> str | None:
    """The note to show before the answer when ``sender``'s form was idle too long and has been reset, else None."""
    if turns is None:
        return None
    last = await run_in_threadpool(last_message_at, turns.database, turns.channel, sender)
    if last is None or check.now - last < timedelta(minutes=check.minutes):
        return None
    try:
        if (await state(rasa, sender)).active_form is None:
            return None
        await reset(rasa, sender)
    except RasaUnavailable as exc:  # the message still goes to the bot, which answers or says it is busy
        log.warning("could not check or close an idle form: %s", type(exc).__name__)
        return None
    return check.note
