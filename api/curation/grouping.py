"""Group similar unanswered questions as they are queued, so staff handle a topic once, not every wording of it.

Questions are embedded with the retriever's sentence embedder (multilingual
USE by default, works on Chinese; unit vectors, each question embedded once).
A new question joins the open group whose members it is, on average, most
similar to, when that mean cosine similarity reaches ``GROUP_THRESHOLD``;
otherwise it starts a new group. The threshold was chosen on Chinese questions
so that rewordings of one question (离婚后房子怎么分 / 离婚时房产如何分割) group
while neighbouring topics (离婚房产 / 子女抚养权) stay apart.

A group keeps the mean of its members' vectors (``Centroids``). Because every
vector has unit length, a question's dot product with that mean *is* its mean
similarity to the members, so the rule is exactly the pairwise one, at the
cost of one vector per group instead of a matrix of every pair; the mean is
updated in place when a member joins or leaves. (A normalised centroid would
change the rule: it measures the angle to the group's direction, which lets
loose groups keep growing.)
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
    """A group as shown: its members, the representative (most asked) first."""

    members: list[T] = field(default_factory=list)

    @property
    def representative(self) -> T:
        return self.members[0]


def as_vector(blob: bytes) -> np.ndarray:
    """A stored float32 vector."""
    return np.frombuffer(blob, dtype=np.float32)


def as_blob(vector: np.ndarray) -> bytes:
    return vector.astype(np.float32).tobytes()


def joined(mean: np.ndarray, size: int, vectors: Sequence[np.ndarray]) -> np.ndarray:
    """The mean of ``size`` members after ``vectors`` join them."""
    return (mean * size + np.sum(vectors, axis=0)) / (size + len(vectors))


def without(mean: np.ndarray, size: int, vectors: Sequence[np.ndarray]) -> np.ndarray:
    """The mean of ``size`` members after ``vectors`` (some of them) leave; zeros when none is left."""
    left = size - len(vectors)
    return (mean * size - np.sum(vectors, axis=0)) / left if left > 0 else np.zeros_like(mean)


class Centroids:
    """The means of the open groups in one matrix, for placing a run of questions one after another."""

    def __init__(self, means: Sequence[np.ndarray], sizes: Sequence[int], spare: int, dim: int):
        self.sizes = list(sizes)
        self.means = np.zeros((len(self.sizes) + spare, dim), dtype=np.float32)  # room for ``spare`` new groups
        if self.sizes:
            self.means[: len(self.sizes)] = np.stack(means)

    def place(self, vector: np.ndarray, threshold: float = GROUP_THRESHOLD) -> int:
        """Add ``vector`` to the most similar group at or above ``threshold``, else to a new last group: its index."""
        count = len(self.sizes)
        scores = self.means[:count] @ vector
        best = int(np.argmax(scores)) if count else -1
        if best < 0 or scores[best] < threshold:
            best = count
            self.sizes.append(0)
        self.means[best] = joined(self.means[best], self.sizes[best], [vector])
        self.sizes[best] += 1
        return best
