"""Group similar unanswered questions so staff handle a topic once, not every wording of it.

Questions are embedded with the retriever's sentence embedder (multilingual
USE by default, works on Chinese; vectors are stored with each queue item so
each question is embedded once) and grouped greedily, most frequent first:
a question joins the group whose members it is, on average, most similar to,
when that mean cosine similarity reaches ``GROUP_THRESHOLD``; otherwise it
starts a new group. The threshold was chosen on Chinese questions so that
rewordings of one question (离婚后房子怎么分 / 离婚时房产如何分割) group while
neighbouring topics (离婚房产 / 子女抚养权) stay apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import numpy as np

GROUP_THRESHOLD = 0.64
T = TypeVar("T")


@dataclass
class Group(Generic[T]):
    members: list[T] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)

    @property
    def representative(self) -> T:
        return self.members[0]


def group_similar(items: Sequence[T], vectors: np.ndarray, threshold: float = GROUP_THRESHOLD) -> list[Group[T]]:
    """``items`` (already in priority order) grouped by their normalised text ``vectors``; groups keep that order."""
    if not items:
        return []
    similarity = vectors @ vectors.T
    groups: list[Group[T]] = []
    for row, item in enumerate(items):
        means = [float(similarity[row, group.rows].mean()) for group in groups]
        best = int(np.argmax(means)) if means else -1
        if best >= 0 and means[best] >= threshold:
            groups[best].members.append(item)
            groups[best].rows.append(row)
        else:
            groups.append(Group([item], [row]))
    return groups
