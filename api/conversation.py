"""One message path for every channel: a user's text to the bot's replies, with the turn logged.

The web page, ``POST /api/chat``, WeChat and WeCom all call ``converse``. It
answers an empty or overlong message itself, sends anything else to Rasa,
reads the intent and confidence from the NLU message Rasa's channel attaches
(``actions.payload``; no second call to Rasa), joins each reply's text with
its payload, and records the turn. When Rasa cannot be reached, times out, or
returns nothing because the action server is down, the user gets a polite
reply instead of silence or an error, and the turn is logged as
``unavailable``.
"""

from __future__ import annotations

import logging

from actions import payload
from api.curation.turns import TurnLog
from api.models import BotReply, ChatResponse
from api.rasa_client import RasaClient, RasaUnavailable

log = logging.getLogger(__name__)

EMPTY_MESSAGE_REPLY = "您好像还没有输入内容。请直接说说您遇到的问题，比如“老板拖欠工资怎么办”。"
TOO_LONG_REPLY = "您的消息有点长（超过{limit}字），我可能抓不住重点。请用几句话说说最想问的问题。"
BUSY_REPLY = "系统繁忙，请稍后再试，或拨打12348公共法律服务热线。"
UNAVAILABLE_KIND = "unavailable"


def to_reply(message: dict) -> BotReply:
    custom = (message.get("custom") or {}).get(payload.KEY) or {}
    return BotReply(
        text=message.get("text") or "",
        buttons=message.get("buttons") or [],
        kind=custom.get("kind"),
        entry_ids=custom.get("entry_ids") or [],
        citations=custom.get("citations") or [],
    )


def merge(messages: list[dict]) -> list[BotReply]:
    """Rasa sends text and custom payload of one utterance as separate messages; join them (NLU message left out)."""
    replies: list[BotReply] = []
    for message in messages:
        if payload.is_nlu_message(message):
            continue
        reply = to_reply(message)
        if not reply.text and not reply.buttons and replies and replies[-1].kind is None:
            replies[-1] = replies[-1].model_copy(
                update={"kind": reply.kind, "entry_ids": reply.entry_ids, "citations": reply.citations}
            )
        else:
            replies.append(reply)
    return replies


def _fixed(sender: str, text: str, kind: str) -> ChatResponse:
    return ChatResponse(sender=sender, intent=None, confidence=None, replies=[BotReply(text=text, kind=kind)])


async def converse(
    rasa: RasaClient, turns: TurnLog | None, sender: str, text: str, *, record: bool = True
) -> ChatResponse:
    """The bot's replies to ``text`` from ``sender`` (a channel-prefixed, never raw, user id)."""
    message = text.strip()
    limit = rasa.settings.max_message_chars
    if not message:
        return _fixed(sender, EMPTY_MESSAGE_REPLY, "empty")
    if len(message) > limit:
        return _fixed(sender, TOO_LONG_REPLY.format(limit=limit), "too_long")
    try:
        messages = await rasa.send(sender, message)
    except RasaUnavailable as exc:
        log.warning("Rasa unavailable: %s", type(exc).__name__)
        messages = []
    nlu = payload.nlu_result(messages)
    replies = merge(messages)
    if not replies:
        messages = [{"custom": payload.build(UNAVAILABLE_KIND, nlu.get("intent"), [])}]
        replies = [BotReply(text=BUSY_REPLY, kind=UNAVAILABLE_KIND)]
    if turns is not None and record:
        await turns.record(sender, message, nlu.get("intent"), nlu.get("confidence"), messages)
    return ChatResponse(sender=sender, intent=nlu.get("intent"), confidence=nlu.get("confidence"), replies=replies)
