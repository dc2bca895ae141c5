"""Incremental grouping: a group's mean vector gives exactly the mean pairwise similarity, and joins and leaves keep it."""

from __future__ import annotations

import numpy as np

from api.curation.grouping import GROUP_THRESHOLD, Centroids, joined, without


def unit_vectors(count: int, dim: int = 16, seed: int = 3) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((count, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def pairwise_groups(vectors: np.ndarray, threshold: float) -> list[list[int]]:
    """The rule stated pairwise: join the group of highest mean similarity to its members, if at least ``threshold``."""
    groups: list[list[int]] = []
    for row, vector in enumerate(vectors):
        means = [float(np.mean(vectors[group] @ vector)) for group in groups]
        best = int(np.argmax(means)) if means else -1
        if best >= 0 and means[best] >= threshold:
            groups[best].append(row)
        else:
            groups.append([row])
    return groups


def test_placing_against_the_means_groups_exactly_as_the_pairwise_rule():
    base = unit_vectors(6)
    vectors = np.concatenate([base + 0.35 * unit_vectors(6, seed=seed) for seed in range(5)])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    centroids = Centroids([], [], len(vectors), vectors.shape[1])
    placed: dict[int, list[int]] = {}
    for row, vector in enumerate(vectors):
        placed.setdefault(centroids.place(vector, GROUP_THRESHOLD), []).append(row)
    expected = pairwise_groups(vectors, GROUP_THRESHOLD)
    assert list(placed.values()) == expected and 1 < len(expected) < len(vectors)


def test_a_mean_that_loses_members_is_the_mean_of_those_left():
    vectors = unit_vectors(5)
    mean = joined(np.zeros(16, dtype=np.float32), 0, vectors)
    assert np.allclose(without(mean, 5, vectors[3:]), vectors[:3].mean(axis=0), atol=1e-6)
    assert not without(mean, 5, vectors).any()
