"""The unanswered-question queue: questions the bot abstained on, referred elsewhere with nothing to show, fell back
on or got 没用 for, and what staff do.

Turns join an open item with the same (masked) question text, which counts
the repeats; a new question is embedded and placed in its group of similar
open questions as it is queued (``unanswered_groups``). Staff act on one item,
optionally closing further items with it — named one by one, or a whole group
(``with_groups``: its open members that match the filters the list was read
with, however many): turn the question into a new draft entry (the editor opens
pre-filled with ``draft_template``; the draft is created only when staff save
it, because an entry must have an answer to pass validation), attach it as an
extra phrasing of an existing entry (a save through the workflow, so it makes
a version and goes back to review), or dismiss it with a reason. Every action
is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from api.curation import unanswered_groups, workflow
from api.curation.auth import require_role
from api.curation.errors import CurationError
from api.curation.grouping import Group
from knowledge_base.retrieval.embedder import get_embedder
from knowledge_base.store.models import AuditEvent, EntryRow, QueueStatus, Role, Turn, UnansweredItem, User, utcnow

if TYPE_CHECKING:
    from knowledge_base.retrieval.embedder import Embedder

REASON_NAMES = {
    "abstain": "没有把握未作答",
    "referred": "不在服务范围，已转介",
    "fallback": "没有理解",
    "not_useful": "用户反馈没用",
}
STATUS_NAMES = {
    QueueStatus.OPEN: "待处理",
    QueueStatus.DRAFTED: "已转为草稿",
    QueueStatus.ATTACHED: "已作为问法",
    QueueStatus.DISMISSED: "已忽略",
}
SLUG_PREFIX = {
    "wage_arrears": "wage",
    "elderly_services": "elderly",
    "legal_services": "legalsvc",
    "other_topics": "other",
    "enterprise_risk": "guide",
}


def normalized(question: str) -> str:
    return " ".join(question.split())


def enqueue(
    session: Session,
    question: str,
    reason: str,
    turn: Turn,
    candidates: list[dict],
    embedder: Embedder | None = None,
) -> UnansweredItem | None:
    """Add ``question`` (already masked) to the queue in its group, or count it again on the open item with the same
    text. ``embedder``: the retriever's by default."""
    question = normalized(question)
    if not question:
        return None
    item = session.scalar(
        select(UnansweredItem).where(
            UnansweredItem.question == question, UnansweredItem.status == QueueStatus.OPEN.value
        )
    )
    if item is None:
        item = UnansweredItem(
            question=question,
            reason=reason,
            channel=turn.channel,
            intent=turn.intent,
            area=turn.area,
            candidates=candidates,
            count=0,
        )
        session.add(item)
    item.count += 1
    item.last_seen = utcnow()
    if candidates:
        item.candidates = candidates
    session.flush()
    if item.group_id is None:
        unanswered_groups.place(session, [item], embedder or get_embedder())
    else:
        unanswered_groups.refresh(session, [item.group_id])
    return item


def entry_titles(session: Session, slugs: set[str]) -> dict[str, str]:
    rows = session.execute(select(EntryRow.slug, EntryRow.data).where(EntryRow.slug.in_(slugs))) if slugs else []
    return {slug: data.get("title", "") for slug, data in rows}


def get_item(session: Session, item_id: int) -> UnansweredItem:
    item = session.get(UnansweredItem, item_id)
    if item is None:
        raise CurationError(404, f"待处理问题 {item_id} 不存在")
    return item


def _open_items(session: Session, item_ids: list[int]) -> list[UnansweredItem]:
    items = [get_item(session, item_id) for item_id in dict.fromkeys(item_ids)]
    done = [item for item in items if item.status != QueueStatus.OPEN.value]
    if done:
        status = STATUS_NAMES[QueueStatus(done[0].status)]
        raise CurationError(409, f"问题“{done[0].question}”已被处理（{status}），请刷新列表")
    return items


def with_groups(
    session: Session, item_ids: list[int], groups: Sequence[int], conditions: Sequence[ColumnElement[bool]] = ()
) -> list[int]:
    """``item_ids`` followed by the open members of ``groups`` meeting every SQL ``condition`` (the members a list read
    with those filters shows), for an action that closes whole groups. A named item must be in one of the groups and
    each group must still have such a member; otherwise the list is out of date."""
    groups = list(dict.fromkeys(groups))
    if not groups:
        return item_ids
    if any(get_item(session, item_id).group_id not in groups for item_id in item_ids):
        raise CurationError(409, "这个问题已被处理或已不在这一组，请刷新列表")
    members = unanswered_groups.members(session, groups, conditions)
    if {item.group_id for item in members} != set(groups):
        raise CurationError(409, "所选的问题组已被处理，请刷新列表")
    return list(dict.fromkeys([*item_ids, *(item.id for item in members)]))


def _resolve(session: Session, actor: User, items: list[UnansweredItem], status: QueueStatus, resolution: str) -> None:
    unanswered_groups.leave(session, items)
    for item in items:
        item.status, item.resolution = status.value, resolution
        item.resolved_by_id, item.resolved_at = actor.id, utcnow()
        session.add(
            AuditEvent(
                actor_id=actor.id,
                action=f"unanswered_{status.value}",
                target=f"unanswered/{item.id}",
                detail=resolution,
            )
        )
    session.commit()


def draft_template(item: UnansweredItem) -> dict:
    """A new entry pre-filled with the question, for the editor (not saved: the answer is still missing)."""
    area = item.area if item.area in SLUG_PREFIX else "other_topics"
    data = {
        "id": f"{SLUG_PREFIX[area]}-unanswered-{item.id}",
        "area": area,
        "title": item.question[:60],
        "questions": [item.question],
        "citations": [],
        "next_steps": [],
    }
    if area == "enterprise_risk":
        return {**data, "collection": "guide", "risk": "", "prevention": ""}
    return {**data, "collection": "faq", "answer": ""}


def create_draft(session: Session, actor: User, item_ids: list[int], data: dict) -> EntryRow:
    """Save the edited template as a new draft entry and close the items with it."""
    items = _open_items(session, item_ids)
    row = workflow.create_entry(session, actor, data)
    _resolve(session, actor, items, QueueStatus.DRAFTED, row.slug)
    return row


def attach(session: Session, actor: User, item_ids: list[int], slug: str, expected_version: int) -> EntryRow:
    """Add the first item's question to ``slug``'s phrasings (a new version) and close the items."""
    items = _open_items(session, item_ids)
    row = workflow.get_entry(session, slug)
    questions = list(row.data.get("questions") or [])
    if items[0].question in questions:
        raise CurationError(409, f"条目“{slug}”已有这个问法")
    row = workflow.save_entry(
        session, actor, slug, {**row.data, "questions": [*questions, items[0].question]}, expected_version
    )
    _resolve(session, actor, items, QueueStatus.ATTACHED, slug)
    return row


def dismiss(session: Session, actor: User, item_ids: list[int], reason: str) -> None:
    require_role(actor, *Role)
    if not reason.strip():
        raise CurationError(422, "忽略时请填写原因，例如“与法律咨询无关”")
    _resolve(session, actor, _open_items(session, item_ids), QueueStatus.DISMISSED, reason.strip())


def times_asked(group: Group[UnansweredItem]) -> int:
    return sum(item.count for item in group.members)


def open_groups(
    session: Session, embedder: Embedder, *conditions: ColumnElement[bool], sort: str = "size"
) -> unanswered_groups.GroupRows:
    """Open items (only those meeting every SQL ``condition``) in their groups, the most asked group first (``sort``
    ``newest``: the most recently asked first); questions not yet in a group are placed first."""
    unanswered_groups.place_ungrouped(session, embedder)
    return unanswered_groups.GroupRows(session, conditions, sort)


def top_topics(groups: unanswered_groups.GroupRows, limit: int = 10) -> list[tuple[str, int]]:
    """The most asked open groups as (representative question, times asked)."""
    return [(group.representative.question, times_asked(group)) for group in groups[:limit]]
