"""A FAISS inner-product index over L2-normalised vectors, persisted with a content hash.

Each row is one text (a question phrasing) labelled with the id of the entry it
belongs to. ``kind="flat"`` is exact search; ``kind="hnsw"`` an approximate
graph index for large collections (see ``FARUN_INDEX_KIND``).
"""

from __future__ import annotations

import json
from pathlib import Path

import faiss
import numpy as np

HNSW_NEIGHBOURS = 32


class DenseIndex:
    def __init__(self, dimension: int, kind: str = "flat"):
        if kind not in ("flat", "hnsw"):
            raise ValueError(f"unknown index kind {kind!r}: use flat or hnsw")
        self.dimension = dimension
        self.kind = kind
        self.index = (
            faiss.IndexFlatIP(dimension)
            if kind == "flat"
            else faiss.IndexHNSWFlat(dimension, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
        )
        self.labels: list[str] = []

    def add(self, vectors: np.ndarray, labels: list[str]) -> None:
        if vectors.shape != (len(labels), self.dimension):
            raise ValueError(f"expected {len(labels)} vectors of {self.dimension} dimensions, got {vectors.shape}")
        self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        self.labels.extend(labels)

    def search(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The ``k`` nearest rows as (row, cosine similarity), best first."""
        if not self.labels:
            return []
        scores, rows = self.index.search(
            np.ascontiguousarray(vector.reshape(1, -1), dtype=np.float32), min(k, len(self.labels))
        )
        return [(int(row), float(score)) for row, score in zip(rows[0], scores[0]) if row >= 0]

    def save(self, directory: Path, content_hash: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        faiss.write_index(self.index, str(directory / "dense.faiss"))
        meta = {"hash": content_hash, "kind": self.kind, "dimension": self.dimension, "labels": self.labels}
        (directory / "dense.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, content_hash: str) -> "DenseIndex | None":
        """The saved index if it was built from the same content, else None."""
        try:
            meta = json.loads((directory / "dense.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if meta.get("hash") != content_hash:
            return None
        loaded = cls(meta["dimension"], meta["kind"])
        loaded.index = faiss.read_index(str(directory / "dense.faiss"))
        loaded.labels = meta["labels"]
        return loaded if loaded.index.ntotal == len(loaded.labels) else None
