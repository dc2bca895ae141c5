"""Handoff requests: every 「转人工」 the bot gives lands in the staff queue; a resident may leave a call-back phone.

The message path (``api.conversation.converse``) calls two functions here:

- ``open_for_replies`` after a turn is recorded: when a reply is of kind
  ``handoff`` (asked for, or after repeated misunderstanding) a request row is
  made with the conversation's last turns from the turn log (masked), marked
  as needing no call-back; the reply gets the request id (the web page's
  call-back form posts to it) and a note saying honestly what happens next
  (staff hours from ``Settings.handoff_hours``) and how to leave a number.
- ``take_callback`` before anything is masked or sent to Rasa: when this
  sender has an open request made within ``WAIT_FOR_PHONE`` and the message
  is a phone number (a mobile, or a 0519 landline) with at most a short time
  note, the raw number is stored in that request only and the API answers
  itself; the message never reaches Rasa and the turn is logged masked.

``callback_phone`` is the only place a raw number lives: it is cleared when a
request is closed and by ``purge_phones`` (``farun handoffs purge``) after
``KEEP_PHONE``. Staff actions (assign, note, close) and every change are
audited, with numbers masked in the audit text.
"""

from __future__ import annotations

import argparse
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from actions.payload import farun_payloads
from api.curation.errors import CurationError
from api.curation.masking import mask, sender_hash
from api.models import BotReply
from knowledge_base.store.handoffs import HandoffReason, HandoffRequest, HandoffStatus
from knowledge_base.store.models import AuditEvent, Turn, User, utcnow
from knowledge_base.store.seed import open_seeded_database

if TYPE_CHECKING:
    from knowledge_base.store.db import Database

log = logging.getLogger(__name__)

HANDOFF_KIND = "handoff"
CALLBACK_KIND = "handoff_callback"  # the kind of the turn in which a resident left a phone number
WAIT_FOR_PHONE = timedelta(minutes=30)  # a phone sent this long after a handoff is taken as its call-back number
KEEP_PHONE = timedelta(days=30)
LAST_TURNS = 10
MAX_TIME_NOTE = 50  # characters of the "convenient time" the web form takes
CHAT_TIME_NOTE = 30  # a chat message with more words around the number is a question, not a call-back reply
REASONS = {
    "requested": HandoffReason.REQUESTED,
    "repeated_fallback": HandoffReason.FALLBACK,
    "fallback": HandoffReason.FALLBACK,
}
STATUS_NAMES = {
    HandoffStatus.OPEN.value: "待处理",
    HandoffStatus.ASSIGNED.value: "处理中",
    HandoffStatus.DONE.value: "已完成",
}
REASON_NAMES = {HandoffReason.REQUESTED.value: "用户要求转人工", HandoffReason.FALLBACK.value: "多次没有理解"}

_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
MOBILE = re.compile(r"(?<!\d)(?:\+?86[ \-]?)?(1[3-9]\d)[ \-]?(\d{4})[ \-]?(\d{4})(?!\d)")
LANDLINE = re.compile(r"(?<!\d)(?:\(0519\)|（0519）|0519)[ \-]?(\d{8})(?!\d)")
INVALID_PHONE = "电话号码格式不对：请填写11位手机号，或0519开头的座机号（如0519-8xxxxxxx）。"
NO_CONSENT = "请先勾选同意，我们才能保存您的电话号码用于回电。"
TIME_TOO_LONG = f"方便接听的时间请写得简短些（不超过{MAX_TIME_NOTE}个字）。"
NOT_FOUND = "没有找到这条转人工记录，请重新发送“转人工”。"
CLOSED = "这条求助已处理完毕。如还需要帮助，请重新发送“转人工”，或拨打12348公共法律服务热线。"

WEB_HOW = "如需工作人员回电，可以在下方留下电话号码和方便接听的时间；不留也可以，工作人员同样会看到您的求助。"
CHAT_HOW = "如需工作人员回电，请直接回复您的手机号（或0519开头的座机号）和方便接听的时间，例如“手机号 工作日下午”。"
CONSENT = "留下号码即表示您同意我们仅为这次回电保存该号码，求助处理完毕或30天后自动删除。不留号码也可以，工作人员同样会看到您的求助。"


def recorded_note(request_id: int, hours: str, channel: str) -> str:
    """What the handoff reply adds once the request is in the staff queue: what happens next, how to get a call."""
    how = WEB_HOW if channel == "web" else CHAT_HOW + CONSENT  # the web form asks for consent with a tick box
    return f"您的求助已转给工作人员（编号 {request_id}）。{hours}\n{how}"


def callback_confirmation(phone: str, time_note: str, hours: str) -> str:
    when = f"，方便接听的时间：{time_note}" if time_note else ""
    return (
        f"好的，已记下您的回电号码（尾号{phone[-4:]}）{when}。{hours}\n"
        "号码只用于这次回电，求助处理完毕或30天后自动删除。急事请拨打12348公共法律服务热线。"
    )


# --- phone numbers ------------------------------------------------------------------------------------------------


def normal_phone(text: str) -> str | None:
    """The phone number ``text`` is, as stored (``13812345678``, ``0519-86001234``), or None when it is not one."""
    compact = re.sub(r"[\s\-()（）]", "", text.translate(_DIGITS)).removeprefix("+86")
    if re.fullmatch(r"1[3-9]\d{9}", compact):
        return compact
    if re.fullmatch(r"0519\d{8}", compact):
        return f"0519-{compact[4:]}"
    return None


@dataclass(frozen=True)
class PhoneMessage:
    phone: str
    time_note: str  # the rest of the message, masked


def phone_message(text: str) -> PhoneMessage | None:
    """A message that leaves a call-back number: one mobile or 0519 number and at most a short time note."""
    text = text.translate(_DIGITS)
    found = MOBILE.search(text) or LANDLINE.search(text)
    if found is None:
        return None
    phone = normal_phone(found.group(0))
    rest = (text[: found.start()] + " " + text[found.end() :]).strip(" ，,。.；;：:")
    rest = re.sub(r"^(?:我的)?(?:手机号?码?|电话号?码?|号码|联系方式)(?:是|为)?[：:]?", "", rest).strip(" ，,。.；;：:")
    if phone is None or len(rest) > CHAT_TIME_NOTE:
        return None
    return PhoneMessage(phone, mask(rest))


# --- the requests -------------------------------------------------------------------------------------------------


def sender_key(channel: str, sender: str) -> str:
    """How a request names its conversation: the channel and the turn log's hash of the sender id."""
    return f"{channel}:{sender_hash(sender)}"


def last_turns(session: Session, sender: str, limit: int = LAST_TURNS) -> list[dict]:
    """The sender's last turns from the turn log, oldest first (texts already masked there)."""
    rows = session.scalars(select(Turn).where(Turn.sender == sender_hash(sender)).order_by(Turn.id.desc()).limit(limit))
    return [{"at": row.at.isoformat(timespec="seconds"), "text": row.text, "kind": row.kind} for row in rows][::-1]


def _audit(session: Session, actor: User | None, action: str, row: HandoffRequest, detail: str) -> None:
    session.add(
        AuditEvent(actor_id=actor.id if actor else None, action=action, target=f"handoff/{row.id}", detail=detail)
    )


def open_request(session: Session, channel: str, sender: str, payload: dict) -> HandoffRequest:
    """A new request for the handoff ``payload`` (reason, last_question) just given to ``sender``; commits."""
    reason = REASONS.get(str(payload.get("reason") or ""), HandoffReason.REQUESTED)
    question = payload.get("last_question")
    row = HandoffRequest(
        sender=sender_key(channel, sender),
        channel=channel,
        reason=reason.value,
        last_question=mask(str(question)) if question else None,
        last_turns=last_turns(session, sender),
        status=HandoffStatus.OPEN.value,
        wants_callback=False,
        callback_time="",
        note="",
    )
    session.add(row)
    session.flush()
    _audit(session, None, "handoff_open", row, f"{REASON_NAMES[reason.value]}（{channel}）")
    session.commit()
    return row


def waiting_request(session: Session, channel: str, sender: str, now: datetime | None = None) -> HandoffRequest | None:
    """The sender's newest request still open and made within ``WAIT_FOR_PHONE``, if any."""
    since = (now or utcnow()) - WAIT_FOR_PHONE
    return session.scalar(
        select(HandoffRequest)
        .where(
            HandoffRequest.sender == sender_key(channel, sender),
            HandoffRequest.status == HandoffStatus.OPEN.value,
            HandoffRequest.created_at >= since,
        )
        .order_by(HandoffRequest.id.desc())
        .limit(1)
    )


def leave_callback(session: Session, row: HandoffRequest, phone: str, time_note: str) -> HandoffRequest:
    """Store the resident's call-back number (raw, here only) and time (masked); the caller commits."""
    if row.status == HandoffStatus.DONE.value:
        raise CurationError(409, CLOSED)
    row.callback_phone = phone
    row.callback_time = mask(time_note.strip())[:100]
    row.wants_callback = True
    _audit(session, None, "handoff_callback", row, f"留下回电号码 {mask(phone)}")
    return row


def web_callback(
    session: Session, request_id: int, sender: str, phone: str, time_note: str, consent: bool
) -> HandoffRequest:
    """The web page's call-back form: checked (the request must be this conversation's), stored; commits."""
    row = session.get(HandoffRequest, request_id)
    if row is None or row.sender != sender_key("web", sender):
        raise CurationError(404, NOT_FOUND)
    if not consent:
        raise CurationError(422, NO_CONSENT)
    number = normal_phone(phone)
    if number is None:
        raise CurationError(422, INVALID_PHONE)
    if len(time_note.strip()) > MAX_TIME_NOTE:
        raise CurationError(422, TIME_TOO_LONG)
    leave_callback(session, row, number, time_note)
    session.commit()
    return row


def get_request(session: Session, request_id: int) -> HandoffRequest:
    row = session.get(HandoffRequest, request_id)
    if row is None:
        raise CurationError(404, "没有这条转人工记录")
    return row


def assign(session: Session, user: User, row: HandoffRequest) -> None:
    """``user`` takes the request on (open or assigned to someone else → assigned to them); the caller commits."""
    if row.status == HandoffStatus.DONE.value:
        raise CurationError(409, "这条求助已经处理完毕")
    row.status = HandoffStatus.ASSIGNED.value
    row.assignee_id = user.id
    _audit(session, user, "handoff_assign", row, f"由 {user.username} 处理")


def save_note(session: Session, user: User, row: HandoffRequest, note: str) -> None:
    """Staff's note on the request (numbers in it masked: the call-back phone stays the only raw one)."""
    note = mask(note.strip())
    if len(note) > 2000:
        raise CurationError(422, "备注最多2000个字")
    row.note = note
    _audit(session, user, "handoff_note", row, note[:200] or "（清空备注）")


def close(session: Session, user: User, row: HandoffRequest) -> None:
    """Done: the request leaves the open list and its call-back phone is deleted; the caller commits."""
    if row.status == HandoffStatus.DONE.value:
        raise CurationError(409, "这条求助已经处理完毕")
    row.status = HandoffStatus.DONE.value
    row.closed_at = utcnow()
    if row.assignee_id is None:
        row.assignee_id = user.id
    dropped = row.callback_phone is not None
    row.callback_phone = None
    _audit(session, user, "handoff_close", row, "已处理完毕" + ("，回电号码已删除" if dropped else ""))


def purge_phones(session: Session, now: datetime | None = None) -> int:
    """Delete the call-back phone of every request older than ``KEEP_PHONE``; how many lost theirs. Commits."""
    before = (now or utcnow()) - KEEP_PHONE
    ids = list(
        session.scalars(
            select(HandoffRequest.id).where(
                HandoffRequest.callback_phone.is_not(None), HandoffRequest.created_at < before
            )
        )
    )
    if ids:
        session.execute(update(HandoffRequest).where(HandoffRequest.id.in_(ids)).values(callback_phone=None))
        for request_id in ids:
            session.add(
                AuditEvent(action="handoff_purge", target=f"handoff/{request_id}", detail="超过30天，回电号码已删除")
            )
    session.commit()
    return len(ids)


def open_count(session: Session) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(HandoffRequest).where(HandoffRequest.status == HandoffStatus.OPEN.value)
        )
        or 0
    )


# --- the message path ---------------------------------------------------------------------------------------------


def _take(database: Database, channel: str, sender: str, found: PhoneMessage, hours: str) -> str | None:
    with database.session() as session:
        row = waiting_request(session, channel, sender)
        if row is None:
            return None
        leave_callback(session, row, found.phone, found.time_note)
        session.commit()
    return callback_confirmation(found.phone, found.time_note, hours)


async def take_callback(database: Database, channel: str, sender: str, text: str, hours: str) -> str | None:
    """The confirmation when ``text`` (raw) leaves a call-back number for a waiting request, else None."""
    found = phone_message(text)
    if found is None:
        return None
    try:
        return await run_in_threadpool(_take, database, channel, sender, found, hours)
    except Exception:  # the message then goes on masked, like any other
        log.exception("could not store a call-back number (%s)", channel)
        return None


def _open(database: Database, channel: str, sender: str, payload: dict) -> int:
    with database.session() as session:
        return open_request(session, channel, sender, payload).id


async def open_for_replies(
    database: Database, channel: str, sender: str, messages: list[dict], replies: list[BotReply], hours: str
) -> list[BotReply]:
    """``replies`` with the handoff reply (if any) recorded as a request: its id and the note added."""
    payload = next((p for p in farun_payloads(messages) if p.get("kind") == HANDOFF_KIND), None)
    index = next((i for i, reply in enumerate(replies) if reply.kind == HANDOFF_KIND), None)
    if payload is None or index is None:
        return replies
    try:
        request_id = await run_in_threadpool(_open, database, channel, sender, payload)
    except Exception:  # the user still gets the options; staff see the error in the log
        log.exception("could not record a %s handoff request", channel)
        return replies
    reply = replies[index]
    text = f"{reply.text}\n{recorded_note(request_id, hours, channel)}".strip()
    return [*replies[:index], reply.model_copy(update={"text": text, "handoff_id": request_id}), *replies[index + 1 :]]


# --- farun handoffs purge -----------------------------------------------------------------------------------------


def cmd_handoffs_purge(args: argparse.Namespace) -> int:
    database = open_seeded_database()
    try:
        with database.session() as session:
            purged = purge_phones(session)
    finally:
        database.close()
    print(f"已删除 {purged} 条超过30天的回电号码")
    return 0


def add_handoffs_parser(sub: argparse._SubParsersAction) -> None:
    handoffs = sub.add_parser("handoffs", help="handoff requests").add_subparsers(
        dest="handoffs_command", required=True
    )
    purge = handoffs.add_parser("purge", help="delete the call-back phones of requests older than 30 days")
    purge.set_defaults(func=cmd_handoffs_purge)
