"""A ``/…`` message is a button click only when the bot just offered that button.

Rasa executes any text that starts with ``/`` as an intent payload:
``/restart`` would wipe a conversation, ``/feedback{…}`` would file feedback on
an answer never given, ``/legal_aid_check{"legal_aid_matter": …}`` would set a
form's slot to anything at all. So the message path (``api.conversation``)
passes a ``/…`` message on unchanged only when

* it equals a payload of a button in the bot's last reply to that sender
  (remembered per sender in a bounded LRU; on a miss — the reply may have come
  through another API worker, or before the API restarted — read from the bot's
  events after the user's last message in Rasa's tracker), or
* it is one of the web page's own entry points (``ENTRY_POINTS``: the welcome's
  topic chips and the 「继续」 of a resumed form), bare intents that carry no
  entity and do no more than typing the flow's name would.

Anything else starting with ``/`` is treated as text. Its leading slashes are
stripped so that NLU reads the words (``/老板欠薪怎么办`` is a question typed
with a stray slash). What is left that still reads as payload syntax (an ASCII
intent name, optionally with ``{…}`` entities) is not sent to Rasa at all: the
user gets a polite 「没看懂」 — NLU could only misread such text, and an
attacker's payload would otherwise land in the staff's unanswered queue.

The web page's 「新对话」 sends Rasa's ``/restart`` itself (``conversation.reset``),
not through this check.
"""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from collections.abc import Iterable

from api.models import BotReply
from api.rasa_client import RasaClient, RasaUnavailable

log = logging.getLogger(__name__)

PREFIX = "/"  # Rasa's INTENT_MESSAGE_PREFIX
MAX_SENDERS = 10_000  # senders whose offers are remembered; the least recently seen is forgotten first
ENTRY_POINTS = frozenset(  # api/static/index.html's topic chips and api/static/app.js's RESUME
    {
        "/wage_plan",
        "/elderly_menu",
        "/legal_aid_check",
        "/mediation_routing",
        "/guide_browse",
        "/legislation",
        "/handoff",
        "/resume",
    }
)
PAYLOAD_SYNTAX = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\s*(\{.*\})?\s*", re.DOTALL)
NOT_UNDERSTOOD_KIND = "not_understood"
NOT_UNDERSTOOD_REPLY = "抱歉，我没看懂这条消息。请直接用文字说说您遇到的问题，或者点选我刚才给出的按钮。"


class OfferedButtons:
    """The button payloads of the bot's last reply to each sender, for at most ``max_senders`` senders."""

    def __init__(self, max_senders: int = MAX_SENDERS):
        self.max_senders = max_senders
        self._offers: OrderedDict[str, frozenset[str]] = OrderedDict()

    def remember(self, sender: str, replies: Iterable[BotReply]) -> None:
        """The bot's reply to ``sender`` offered these buttons (and no other): earlier offers are gone."""
        payloads = frozenset(b.payload for r in replies for b in r.buttons if b.payload.startswith(PREFIX))
        self._offers.pop(sender, None)
        if payloads:
            self._offers[sender] = payloads
            while len(self._offers) > self.max_senders:
                self._offers.popitem(last=False)

    def forget(self, sender: str) -> None:
        self._offers.pop(sender, None)

    def offered(self, sender: str, message: str) -> bool:
        payloads = self._offers.get(sender)
        if payloads is None:
            return False
        self._offers.move_to_end(sender)
        return message in payloads

    def clear(self) -> None:
        self._offers.clear()


OFFERED = OfferedButtons()  # this API process's memory


def last_offers(events: list[dict]) -> set[str]:
    """The button payloads of the bot's messages after the user's last message (Rasa tracker events)."""
    payloads: set[str] = set()
    for event in reversed(events):
        if event.get("event") == "user":
            break
        if event.get("event") == "bot":
            buttons = (event.get("data") or {}).get("buttons") or []
            payloads.update(b.get("payload") for b in buttons if isinstance(b, dict) and b.get("payload"))
    return payloads


async def offered_by_tracker(rasa: RasaClient, sender: str, message: str) -> bool:
    """Whether the bot's last reply in Rasa's tracker offered ``message``; False when Rasa cannot say."""
    try:
        tracker = await rasa.tracker(sender, include_events="AFTER_RESTART")
    except RasaUnavailable as exc:
        log.warning("could not check an offered button: %s", type(exc).__name__)
        return False
    return message in last_offers(tracker.get("events") or [])


def as_text(message: str) -> str | None:
    """An unoffered ``/…`` message as the user's words, or None when what is left is payload syntax or nothing."""
    words = message.lstrip(PREFIX).strip()
    if not words or PAYLOAD_SYNTAX.fullmatch(words):
        return None
    return words


async def admit(rasa: RasaClient, sender: str, message: str, offers: OfferedButtons = OFFERED) -> str | None:
    """What to send Rasa for ``message``: itself, a ``/…`` payload offered to ``sender`` unchanged, the words of an
    unoffered one, or None when it is an unoffered payload (answer ``NOT_UNDERSTOOD_REPLY``)."""
    if not message.startswith(PREFIX) or message in ENTRY_POINTS or offers.offered(sender, message):
        return message
    if await offered_by_tracker(rasa, sender, message):  # offered through another API worker, or before a restart
        return message
    return as_text(message)
