"""Paths, database URL and retrieval thresholds from the environment, read when called (never at import).

Every process (the action server, the API, the CLI, the tests) reads its
settings through these functions, so a test or a stack that sets
``FARUN_DATA_DIR`` before calling them never touches the checkout's ``var/``.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    """Database, index cache and logs: ``FARUN_DATA_DIR``, else ``var/`` in the checkout."""
    return Path(os.environ.get("FARUN_DATA_DIR", ROOT / "var"))


def database_url() -> str:
    """``DATABASE_URL``, else the SQLite file ``farun.db`` in the data dir."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{data_dir() / 'farun.db'}"


def index_dir() -> Path:
    """Where the FAISS indexes are cached (keyed by a content hash)."""
    return data_dir() / "index"


def log_dir() -> Path:
    return data_dir() / "logs"


def abstain_threshold() -> float:
    return float(os.environ.get("FARUN_ABSTAIN_THRESHOLD", "0.50"))


def didyoumean_margin() -> float:
    return float(os.environ.get("FARUN_DIDYOUMEAN_MARGIN", "0.03"))
