"""Opinions on a draft regulation sent in the chat: the message after the bot asked for one is stored as the comment.

When the bot asks for an opinion (``action_legislation``: a reply of kind
``actions.payload.COMMENT_PROMPT`` naming the consultation and the article,
None for the whole draft) the resident's next message is that opinion. The
message path (``api.conversation.converse``) calls ``take_comment`` before
anything is sent to Rasa. When the sender's last turn in the turn log is such a
prompt (made within ``WAIT_FOR_COMMENT``), the prompt's consultation and article
are read from the bot's last reply in Rasa's tracker, the message is masked and
stored as the comment (``knowledge_base.store.consultations.add_comment``:
closed consultations, the length limit and the per-conversation rate limit are
refused there with a polite reason), the turn is logged, and the API answers
itself; the message never reaches Rasa. A button payload is never a comment.

The comment is stored and committed before the reply. Its message id is the
prompt turn's id, so one prompt takes one comment: the same message sent again
(a WeChat retry after a crash, a web page posting twice) finds the stored one
and is answered again without a second row. A refusal for length (or an empty
message) keeps the prompt waiting for a shorter message; any other refusal
ends it. When the comment cannot be stored (database or Rasa down) the resident
is asked to send it again, and nothing is logged, so the prompt still waits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from actions import payload
from api.curation.masking import mask, sender_hash
from api.models import BotReply, Button
from api.rasa_client import RasaClient
from knowledge_base.store import consultations as store
from knowledge_base.store.models import Turn, utcnow

if TYPE_CHECKING:
    from api.curation.turns import TurnLog
    from knowledge_base.store.db import Database

log = logging.getLogger(__name__)

STORED_KIND = "legislation_comment"  # the turn in which a comment was stored (or found already stored)
AGAIN_KIND = "legislation_comment_again"  # refused for its length (or empty): the prompt waits for another message
REFUSED_KIND = "legislation_comment_refused"  # closed, too frequent, no such article: the prompt is over
FAILED_KIND = "legislation_comment_failed"  # not stored (database or Rasa down); not logged, so the prompt waits
WAIT_FOR_COMMENT = timedelta(minutes=30)  # a message sent this long after the prompt is a new question
LOOK_BACK = 6  # turns read back to find the prompt past refusals for length and repeats of the stored comment
STORED = "已收到您对《{title}》{article}的意见，谢谢！意见不署名，工作人员会汇总研究。发送“我的意见”可以查看您提交的意见和处理结果。"
STORED_BEFORE = "这条意见之前已经收到了，不会重复提交。发送“我的意见”可以查看您提交的意见和处理结果。"
NOT_STORED = "抱歉，系统繁忙，您的意见这次没能保存。请稍后把意见再发一次。"


@dataclass(frozen=True)
class Prompt:
    turn_id: int  # the turn in which the bot asked: the comment's message id
    consultation_id: int
    article_id: int | None  # None: the whole draft
    buttons: list[Button]  # the prompt's own buttons (继续阅读, 我的意见): offered to Rasa already


def waiting_turn(session, channel: str, sender: str, text: str, now: datetime | None = None) -> Turn | None:
    """The turn in which the bot asked ``sender`` for an opinion, when ``text`` (masked) answers it: the prompt is
    the last turn but for refusals for length and repeats of the comment it took, and within ``WAIT_FOR_COMMENT``."""
    rows = session.scalars(
        select(Turn)
        .where(Turn.sender == sender_hash(sender), Turn.channel == channel)
        .order_by(Turn.id.desc())
        .limit(LOOK_BACK)
    )
    for row in rows:
        if row.kind == payload.COMMENT_PROMPT:
            return row if row.at >= (now or utcnow()) - WAIT_FOR_COMMENT else None
        if row.kind != AGAIN_KIND and not (row.kind == STORED_KIND and row.text == text):
            return None
    return None


def prompt_in(tracker: dict) -> dict | None:
    """The ``farun`` payload of the bot's reply since the user's last message in Rasa's tracker, with that reply's
    buttons, when it asked for an opinion."""
    found, buttons = None, []
    for event in reversed(tracker.get("events") or []):
        if event.get("event") == "user":
            break
        if event.get("event") == "bot":
            data = event.get("data") or {}
            buttons = (data.get("buttons") or []) + buttons
            found = found or (data.get("custom") or {}).get(payload.KEY)
    if not found or found.get("kind") != payload.COMMENT_PROMPT:
        return None
    return {**found, "buttons": buttons}


def _waiting(database: Database, channel: str, sender: str, text: str) -> int | None:
    with database.session() as session:
        row = waiting_turn(session, channel, sender, text)
        return row.id if row else None


def _store(database: Database, channel: str, sender: str, text: str, prompt: Prompt) -> tuple[str, str]:
    """``(kind, reply)`` once the comment is stored (committed) or refused."""
    with database.session() as session:
        try:
            consultation = store.get_consultation(session, prompt.consultation_id, public=True)
            _, created = store.add_comment(
                session,
                consultation,
                sender=sender_hash(sender),
                channel=channel,
                message_id=f"chat-{prompt.turn_id}",
                text=text,
                article_id=prompt.article_id,
            )
        except store.ConsultationError as exc:
            return (AGAIN_KIND if exc.status == 422 else REFUSED_KIND), exc.message
        session.commit()
        labels = {article.id: article.label for article in consultation.articles}
        article = labels.get(prompt.article_id, "整部草案")
        reply = STORED.format(title=consultation.title.strip("《》"), article=article) if created else STORED_BEFORE
        return STORED_KIND, reply


async def _prompt(rasa: RasaClient, turn_id: int, sender: str) -> Prompt | None:
    found = prompt_in(await rasa.tracker(sender, include_events="AFTER_RESTART"))
    if found is None or found.get("consultation") is None:
        return None
    buttons = [Button(title=b["title"], payload=b["payload"]) for b in found["buttons"] if b.get("payload")]
    return Prompt(turn_id, int(found["consultation"]), found.get("article"), buttons)


async def take_comment(rasa: RasaClient, turns: TurnLog, sender: str, message: str) -> BotReply | None:
    """The API's own reply when ``message`` (raw) answers the bot's request for an opinion, stored as the comment;
    None when it does not (the message then goes on to Rasa)."""
    if message.startswith("/"):  # a button the bot offered (继续阅读, 我的意见): not an opinion
        return None
    text = mask(message)
    try:
        turn_id = await run_in_threadpool(_waiting, turns.database, turns.channel, sender, text)
    except Exception:  # the message then goes on, masked, like any other
        log.exception("could not look for a comment prompt (%s)", turns.channel)
        return None
    if turn_id is None:
        return None
    try:
        prompt = await _prompt(rasa, turn_id, sender)
        if prompt is None:  # the bot's last reply asked for something else: an ordinary message
            return None
        kind, reply = await run_in_threadpool(_store, turns.database, turns.channel, sender, text, prompt)
    except Exception:  # Rasa or the database down: nothing stored, nothing logged, the prompt still waits
        log.exception("could not store a %s comment", turns.channel)
        return BotReply(text=NOT_STORED, kind=FAILED_KIND)
    extra = {"consultation": prompt.consultation_id, "article": prompt.article_id}
    await turns.record(sender, text, None, None, [{"custom": payload.build(kind, None, [], **extra)}])
    return BotReply(text=reply, kind=kind, buttons=prompt.buttons)
