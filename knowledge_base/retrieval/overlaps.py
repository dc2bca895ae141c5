"""Entries that answer nearly the same question: pairs in one area whose closest phrasings are near-paraphrases.

Real questions fall between such entries: the retriever finds the area but
picks the neighbour (issue 13: with the area given, wages hit@1 was 0.40 while
enterprise questions reach 0.71). ``overlaps`` lists, per collection and area,
every pair of entries whose closest two phrasings (titles and questions, the
primary model's vectors already in the index) have a cosine of at least the
threshold, so staff can merge them (one entry per situation, the other's
phrasings added to it) or make the two say clearly what differs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from knowledge_base.retrieval.pipeline import Retriever, indexed_vectors

OVERLAP = 0.9  # the editor's near-duplicate bar (api/curation/duplicates.SIMILAR): a reworded question of one case


@dataclass(frozen=True)
class Overlap:
    area: str
    first: str  # entry ids, in index order
    second: str
    score: float  # cosine of their closest phrasings
    first_text: str
    second_text: str


def overlaps(retriever: Retriever, threshold: float = OVERLAP) -> list[Overlap]:
    """Every pair of same-area entries with phrasings at least ``threshold`` alike, the closest first."""
    found: list[Overlap] = []
    for index in retriever.collections.values():
        vectors = indexed_vectors(index.dense, index.rows)
        areas: dict[str, list[tuple[str, str]]] = {}
        for entry_id, text in index.rows:
            areas.setdefault(index.entries[entry_id].area.value, []).append((entry_id, text))
        for area, rows in areas.items():
            matrix = np.stack([vectors[text] for _, text in rows])
            similarity = np.triu(matrix @ matrix.T, k=1)
            best: dict[tuple[str, str], Overlap] = {}
            for a, b in zip(*np.nonzero(similarity >= threshold)):
                (first, first_text), (second, second_text) = rows[a], rows[b]
                pair = (first, second)
                if first == second or (pair in best and best[pair].score >= similarity[a, b]):
                    continue
                best[pair] = Overlap(area, first, second, float(similarity[a, b]), first_text, second_text)
            found.extend(best.values())
    return sorted(found, key=lambda overlap: -overlap.score)
