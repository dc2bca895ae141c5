"""The unanswered-question queue: questions the bot abstained on, referred elsewhere with nothing to show, fell back
on or got 没用 for, and what staff do.

Turns join an open item with the same (masked) question text, which counts
the repeats. Staff act on one item, optionally closing further items of its
group with it: turn the question into a new draft entry (the editor opens
pre-filled with ``draft_template``; the draft is created only when staff save
it, because an entry must have an answer to pass validation), attach it as an
extra phrasing of an existing entry (a save through the workflow, so it makes
a version and goes back to review), or dismiss it with a reason. Every action
is audited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from api.curation import workflow
from api.curation.auth import require_role
from api.curation.errors import CurationError
from api.curation.grouping import Group, group_similar
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


def enqueue(session: Session, question: str, reason: str, turn: Turn, candidates: list[dict]) -> UnansweredItem | None:
    """Add ``question`` (already masked) to the queue, or count it again on the open item with the same text."""
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
    return item


def open_items(session: Session, *conditions: ColumnElement[bool]) -> list[UnansweredItem]:
    """Open items (only those meeting every SQL ``condition``), most often asked first, then most recent."""
    return list(
        session.scalars(
            select(UnansweredItem)
            .where(UnansweredItem.status == QueueStatus.OPEN.value, *conditions)
            .order_by(UnansweredItem.count.desc(), UnansweredItem.last_seen.desc(), UnansweredItem.id)
        )
    )


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


def _resolve(session: Session, actor: User, items: list[UnansweredItem], status: QueueStatus, resolution: str) -> None:
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


def question_vectors(session: Session, items: list[UnansweredItem], embedder: Embedder) -> np.ndarray:
    """The items' question vectors; questions not embedded yet (by this model) are embedded once and stored."""
    missing = [item for item in items if item.embedding is None or item.embedding_model != embedder.model_name]
    if missing:
        for item, vector in zip(missing, embedder.encode([item.question for item in missing])):
            item.embedding, item.embedding_model = vector.astype(np.float32).tobytes(), embedder.model_name
        session.commit()
    return np.stack([np.frombuffer(item.embedding, dtype=np.float32) for item in items])


def times_asked(group: Group[UnansweredItem]) -> int:
    return sum(item.count for item in group.members)


def open_groups(session: Session, embedder: Embedder, *conditions: ColumnElement[bool]) -> list[Group[UnansweredItem]]:
    """Open items (only those meeting every SQL ``condition``) grouped by similar questions, the most asked first."""
    items = open_items(session, *conditions)
    groups = group_similar(items, question_vectors(session, items, embedder) if items else np.zeros((0, 0)))
    return sorted(groups, key=lambda group: -times_asked(group))


def top_topics(groups: list[Group[UnansweredItem]], limit: int = 10) -> list[tuple[str, int]]:
    """The most asked open groups as (representative question, times asked)."""
    return [(group.representative.question, times_asked(group)) for group in groups[:limit]]
