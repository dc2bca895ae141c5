"""A FAISS inner-product index over L2-normalised vectors, persisted with a content hash.

Each row is one text (a question phrasing) labelled with the id of the entry it
belongs to. ``kind="flat"`` is exact search; ``kind="hnsw"`` an approximate
graph index for large collections (see ``FARUN_INDEX_KIND``).

The cache is two files, ``dense.faiss`` and ``dense.json`` (the content hash,
kind and labels). Each is written to a temporary file beside it and moved into
place with ``os.replace``, the index first, so a process killed mid-write leaves
the previous file or none, never half of one. A cache that cannot be read (a
truncated or foreign file) counts as missing: the caller rebuilds the index
from the entries and writes it again.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

import faiss
import numpy as np

HNSW_NEIGHBOURS = 32
INDEX_FILE, META_FILE = "dense.faiss", "dense.json"
log = logging.getLogger(__name__)


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one, never a part."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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
        write_atomically(directory / INDEX_FILE, faiss.serialize_index(self.index).tobytes())
        meta = {"hash": content_hash, "kind": self.kind, "dimension": self.dimension, "labels": self.labels}
        write_atomically(directory / META_FILE, json.dumps(meta, ensure_ascii=False).encode("utf-8"))

    @classmethod
    def load(cls, directory: Path, content_hash: str) -> "DenseIndex | None":
        """The saved index if it was built from the same content and reads back whole, else None."""
        try:
            meta = json.loads((directory / META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or meta.get("hash") != content_hash:
            return None
        try:
            loaded = cls(meta["dimension"], meta["kind"])
            loaded.index = faiss.read_index(str(directory / INDEX_FILE))
            loaded.labels = list(meta["labels"])
        except (OSError, RuntimeError, KeyError, TypeError, ValueError) as exc:  # faiss raises RuntimeError
            log.warning("index cache in %s is unreadable (%s); rebuilding it", directory, type(exc).__name__)
            return None
        return loaded if loaded.index.ntotal == len(loaded.labels) else None
