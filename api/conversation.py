"""One message path for every channel: a user's text to the bot's replies, with the turn logged.

The web page, ``POST /api/chat``, WeChat and WeCom all call ``converse``. It
answers an empty or overlong message itself, sends anything else to Rasa
with phone, ID-card and bank numbers already masked,
reads the intent and confidence from the NLU message Rasa's channel attaches
(``actions.payload``; no second call to Rasa), joins each reply's text with
its payload, and records the turn. When Rasa cannot be reached, times out, or
returns nothing because the action server is down, the user gets a polite
reply instead of silence or an error, and the turn is logged as
``unavailable``. The message after the bot asked for an opinion on a draft
regulation is stored as that comment and answered by the API
(``api.curation.legislation_comments``), like a call-back number after a
handoff (``api.curation.handoffs``); neither reaches Rasa. A message
starting with ``/`` reaches Rasa as a button payload only when the bot has
just offered that button (``api.offered_buttons``); otherwise it is read as text.

The web page's 「新对话」 resets a conversation on the bot's side (``reset``:
Rasa's ``/restart`` forgets slots and any active form), and after a reload it
asks whether a form is waiting for an answer (``state``: the active loop of
Rasa's tracker, with the form's Chinese title).
"""

from __future__ import annotations

import logging

from actions import payload
from api import offered_buttons
from api.curation import handoffs, legislation_comments
from api.curation.masking import mask
from api.curation.turns import TurnLog
from api.models import BotReply, ChatResponse, ConversationState
from api.rasa_client import RasaClient, RasaUnavailable

log = logging.getLogger(__name__)

EMPTY_MESSAGE_REPLY = "您好像还没有输入内容。请直接说说您遇到的问题，比如“老板拖欠工资怎么办”。"
TOO_LONG_REPLY = "您的消息有点长（超过{limit}字），我可能抓不住重点。请用几句话说说最想问的问题。"
BUSY_REPLY = "系统繁忙，请稍后再试，或拨打12348公共法律服务热线。"
UNAVAILABLE_KIND = "unavailable"
RESTART = "/restart"  # Rasa's built-in intent: action_restart resets the tracker (slots, active form)
FORM_TITLES = {  # every form of bot/domain, as the web page names it to the user
    "wage_triage_form": "讨薪步骤梳理",
    "legal_aid_form": "法律援助条件自查",
    "mediation_form": "调解组织推荐",
}
OTHER_FORM_TITLE = "咨询问答"  # a form added to the bot before it is named here


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
    message = await offered_buttons.admit(rasa, sender, message)  # a "/…" payload only if the bot just offered it
    if message is None:
        return _fixed(sender, offered_buttons.NOT_UNDERSTOOD_REPLY, offered_buttons.NOT_UNDERSTOOD_KIND)
    hours = rasa.settings.handoff_hours
    if turns is not None and record:
        if (comment := await legislation_comments.take_comment(rasa, turns, sender, message)) is not None:
            return ChatResponse(sender=sender, intent=None, confidence=None, replies=[comment])  # stored, not sent
        confirmation = await handoffs.take_callback(turns.database, turns.channel, sender, message, hours)
        if confirmation is not None:  # a call-back number: kept in the request only, never sent to Rasa
            callback = [{"custom": payload.build(handoffs.CALLBACK_KIND, None, [])}]
            await turns.record(sender, mask(message), None, None, callback)
            return _fixed(sender, confirmation, handoffs.CALLBACK_KIND)
    message = mask(message)  # no phone, ID-card or bank number reaches Rasa's tracker, logs or the actions
    try:
        messages = await rasa.send(sender, message)
    except RasaUnavailable as exc:
        log.warning("Rasa unavailable: %s", type(exc).__name__)
        messages = []
    nlu = payload.nlu_result(messages)
    replies = merge(messages)
    if replies:
        offered_buttons.OFFERED.remember(sender, replies)
    if not replies:
        messages = [{"custom": payload.build(UNAVAILABLE_KIND, nlu.get("intent"), [])}]
        replies = [BotReply(text=BUSY_REPLY, kind=UNAVAILABLE_KIND)]
    if turns is not None and record:
        await turns.record(sender, message, nlu.get("intent"), nlu.get("confidence"), messages)
        replies = await handoffs.open_for_replies(turns.database, turns.channel, sender, messages, replies, hours)
    return ChatResponse(sender=sender, intent=nlu.get("intent"), confidence=nlu.get("confidence"), replies=replies)


async def reset(rasa: RasaClient, sender: str) -> None:
    """Forget ``sender``'s conversation on the bot's side: slots, the active form and its answers.
    Not a user turn, so nothing is logged. Raises ``RasaUnavailable`` when Rasa cannot be reached."""
    await rasa.send(sender, RESTART)
    offered_buttons.OFFERED.forget(sender)


async def state(rasa: RasaClient, sender: str) -> ConversationState:
    """Which form (if any) is waiting for ``sender``'s answer. Raises ``RasaUnavailable`` when Rasa cannot be
    reached."""
    tracker = await rasa.tracker(sender)
    form = (tracker.get("active_loop") or {}).get("name")
    return ConversationState(
        sender=sender, active_form=form, form_title=FORM_TITLES.get(form, OTHER_FORM_TITLE) if form else None
    )
