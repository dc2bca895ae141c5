"""The stored groups of the unanswered queue: placing questions as they are queued, keeping each group's figures as
questions are closed, and reading the groups a page at a time with SQL.

A queued question is embedded once and joins the most similar open group
(``grouping``) or starts one; the group row keeps the members' mean vector and
their count, times asked, last time asked and most asked member. Open questions
without a group (queued before groups were stored, or written directly) are
placed, most asked first, the next time the queue is read. Closing questions
takes their vectors out of their groups' means; a group left empty is deleted.

Reading never groups: a page of groups is one query over the groups (or, with
filters, over the matching questions grouped by their stored group), then one
query for the members of the page's groups (all of them, or only the first few of each when the page shows a
sample: ``GroupRows.showing``). With filters a group shows only its matching questions, and its size, times asked
and last time are theirs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, overload

import numpy as np
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from api.curation.grouping import Centroids, Group, as_blob, as_vector, joined, without
from knowledge_base.store.models import QueueStatus, UnansweredGroup, UnansweredItem

if TYPE_CHECKING:
    from knowledge_base.retrieval.embedder import Embedder

IS_OPEN = UnansweredItem.status == QueueStatus.OPEN.value
PRIORITY = (UnansweredItem.count.desc(), UnansweredItem.last_seen.desc(), UnansweredItem.id)  # representative first
CHUNK = 500  # group ids per IN (…) list


def question_vectors(session: Session, items: list[UnansweredItem], embedder: Embedder) -> np.ndarray:
    """The items' question vectors; questions not embedded yet (by this model) are embedded once and stored."""
    missing = [item for item in items if item.embedding is None or item.embedding_model != embedder.model_name]
    if missing:
        for item, vector in zip(missing, embedder.encode([item.question for item in missing])):
            item.embedding, item.embedding_model = as_blob(vector), embedder.model_name
    return np.stack([as_vector(item.embedding) for item in items])


def _locked(session: Session, group_id: int) -> UnansweredGroup:
    """The group row, locked until commit where the database can (its mean is read, changed and written back)."""
    return session.get(UnansweredGroup, group_id, with_for_update=True, populate_existing=True)


def place(session: Session, items: list[UnansweredItem], embedder: Embedder) -> None:
    """Put each of ``items`` (open, not in a group, in priority order) in the most similar group or a new one."""
    if not items:
        return
    vectors = question_vectors(session, items, embedder)
    rows = session.execute(
        select(UnansweredGroup.id, UnansweredGroup.centroid, UnansweredGroup.size).where(
            UnansweredGroup.embedding_model == embedder.model_name, UnansweredGroup.size > 0
        )
    ).all()
    centroids = Centroids(
        [as_vector(row.centroid) for row in rows], [row.size for row in rows], len(items), vectors.shape[1]
    )
    joining: dict[int, list[int]] = defaultdict(list)  # group index → rows of ``items``
    for row, vector in enumerate(vectors):
        joining[centroids.place(vector)].append(row)
    for index, members in joining.items():
        if index < len(rows):
            group = _locked(session, rows[index].id)
            mean, size = as_vector(group.centroid), group.size  # as locked, not as read above
        else:
            group = UnansweredGroup(embedding_model=embedder.model_name, size=0, total=0)
            session.add(group)
            mean, size = np.zeros(vectors.shape[1], dtype=np.float32), 0
        group.centroid = as_blob(joined(mean, size, vectors[members]))
        group.size = size + len(members)
        session.flush()
        for member in members:
            items[member].group_id = group.id
    refresh(session, [items[members[0]].group_id for members in joining.values()])


def place_ungrouped(session: Session, embedder: Embedder) -> None:
    """Place the open questions that have no group yet (none once every question is placed when queued)."""
    items = list(
        session.scalars(select(UnansweredItem).where(IS_OPEN, UnansweredItem.group_id.is_(None)).order_by(*PRIORITY))
    )
    if items:
        place(session, items, embedder)
        session.commit()


def leave(session: Session, items: Iterable[UnansweredItem]) -> None:
    """Take closed ``items`` out of their groups: the means lose their vectors, the figures are counted again."""
    leaving: dict[int, list[UnansweredItem]] = defaultdict(list)
    for item in items:
        if item.group_id is not None:
            leaving[item.group_id].append(item)
    for group_id, members in leaving.items():
        group = _locked(session, group_id)
        group.centroid = as_blob(
            without(as_vector(group.centroid), group.size, [as_vector(m.embedding) for m in members])
        )
        group.size -= len(members)
        for member in members:
            member.group_id = None
    session.flush()
    refresh(session, list(leaving))


def refresh(session: Session, group_ids: list[int]) -> None:
    """Count the groups' open members again (times asked, last asked, most asked member); delete empty groups."""
    for start in range(0, len(group_ids), CHUNK):
        chunk = group_ids[start : start + CHUNK]
        ranked = (
            select(
                UnansweredItem.group_id,
                UnansweredItem.id,
                func.count().over(partition_by=UnansweredItem.group_id).label("size"),
                func.sum(UnansweredItem.count).over(partition_by=UnansweredItem.group_id).label("total"),
                func.max(UnansweredItem.last_seen).over(partition_by=UnansweredItem.group_id).label("newest"),
                func.row_number().over(partition_by=UnansweredItem.group_id, order_by=PRIORITY).label("rank"),
            )
            .where(IS_OPEN, UnansweredItem.group_id.in_(chunk))
            .subquery()
        )
        figures = {row.group_id: row for row in session.execute(select(ranked).where(ranked.c.rank == 1))}
        for group in session.scalars(select(UnansweredGroup).where(UnansweredGroup.id.in_(chunk))):
            row = figures.get(group.id)
            if row is None:
                session.delete(group)
            else:
                group.size, group.total, group.newest, group.representative_id = row.size, row.total, row.newest, row.id
    session.flush()


@dataclass
class StoredGroup(Group[UnansweredItem]):
    """A group as read: its (matching) members, or the first few of them, and the figures of all of them."""

    id: int = 0
    size: int = 0  # questions
    total: int = 0  # times asked
    newest: datetime | None = None


def _ranked(conditions: Sequence[ColumnElement[bool]]):
    """(id, size, total, newest) of every open group; with ``conditions``, of their matching members only."""
    if not conditions:
        return select(
            UnansweredGroup.id, UnansweredGroup.size, UnansweredGroup.total, UnansweredGroup.newest
        ).subquery()
    return (
        select(
            UnansweredItem.group_id.label("id"),
            func.count().label("size"),
            func.sum(UnansweredItem.count).label("total"),
            func.max(UnansweredItem.last_seen).label("newest"),
        )
        .where(IS_OPEN, UnansweredItem.group_id.is_not(None), *conditions)
        .group_by(UnansweredItem.group_id)
        .subquery()
    )


def members(
    session: Session, group_ids: list[int], conditions: Sequence[ColumnElement[bool]] = ()
) -> list[UnansweredItem]:
    """The open members of the groups meeting every SQL ``condition``, in priority order (representatives first)."""
    found: list[UnansweredItem] = []
    for start in range(0, len(group_ids), CHUNK):
        chunk = group_ids[start : start + CHUNK]
        found += session.scalars(
            select(UnansweredItem).where(IS_OPEN, UnansweredItem.group_id.in_(chunk), *conditions).order_by(*PRIORITY)
        )
    return found


class GroupRows(Sequence[StoredGroup]):
    """The open groups (their members meeting every SQL ``condition``) in the ``sort`` order, read a slice at a time.

    ``size``: the most asked group first; ``newest``: the most recently asked first. ``shown``: how many members of
    each group are read (None: all), so a page of groups costs the same however large they are.
    """

    def __init__(
        self,
        session: Session,
        conditions: Sequence[ColumnElement[bool]],
        sort: str = "size",
        shown: int | None = None,
    ):
        self.session, self.conditions, self.sort, self.shown = session, list(conditions), sort, shown
        self.ranked = _ranked(self.conditions)
        by_size, by_time = self.ranked.c.total.desc(), self.ranked.c.newest.desc()
        self.order = (by_size, by_time) if sort == "size" else (by_time, by_size)
        self._length: int | None = None

    def showing(self, shown: int) -> "GroupRows":
        """The same groups, reading only the first ``shown`` members of each."""
        return GroupRows(self.session, self.conditions, self.sort, shown)

    def __len__(self) -> int:
        if self._length is None:
            self._length = self.session.scalar(select(func.count()).select_from(self.ranked)) or 0
        return self._length

    @overload
    def __getitem__(self, index: int) -> StoredGroup: ...

    @overload
    def __getitem__(self, index: slice) -> list[StoredGroup]: ...

    def __getitem__(self, index):
        if isinstance(index, int):
            found = self[index : index + 1] if index >= 0 else self[len(self) + index : len(self) + index + 1]
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop, step = index.indices(len(self))
        if step != 1:
            raise ValueError("groups are read in runs, without a step")
        if stop <= start:
            return []
        rows = self.session.execute(
            select(self.ranked).order_by(*self.order, self.ranked.c.id).offset(start).limit(stop - start)
        ).all()
        groups = {row.id: StoredGroup([], id=row.id, size=row.size, total=row.total, newest=row.newest) for row in rows}
        for item in self.session.scalars(self._members(list(groups))):
            groups[item.group_id].members.append(item)
        return list(groups.values())

    def _members(self, group_ids: list[int]):
        """The query for the open (matching) members of ``group_ids``, at most ``shown`` of each, in priority order."""
        matching = (IS_OPEN, UnansweredItem.group_id.in_(group_ids), *self.conditions)
        if self.shown is None:
            return select(UnansweredItem).where(*matching).order_by(*PRIORITY)
        ranked = (
            select(
                UnansweredItem.id,
                func.row_number().over(partition_by=UnansweredItem.group_id, order_by=PRIORITY).label("rank"),
            )
            .where(*matching)
            .subquery()
        )
        return (
            select(UnansweredItem)
            .join(ranked, ranked.c.id == UnansweredItem.id)
            .where(ranked.c.rank <= self.shown)
            .order_by(*PRIORITY)
        )
