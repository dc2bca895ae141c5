"""Append-only records for staff: handoff requests and answer feedback as JSON lines.

Each record is one line in ``<data dir>/<kind>.jsonl`` (the data dir is
``FARUN_DATA_DIR`` or the repository's ``var``). The sender id is stored only
as a short SHA-256 hash; the time is UTC in ISO format.
"""
from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timezone
from pathlib import Path

from rasa_sdk import Tracker

ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    return Path(os.environ.get("FARUN_DATA_DIR", ROOT / "var"))


def sender_hash(sender_id: str) -> str:
    return hashlib.sha256(sender_id.encode("utf-8")).hexdigest()[:16]


def append_record(kind: str, sender_id: str, **fields: object) -> dict:
    """Write one record of ``kind`` (``handoff``, ``feedback``) and return it."""
    record = {"time": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "sender": sender_hash(sender_id), **fields}
    path = data_dir() / f"{kind}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return record


def user_texts(tracker: Tracker) -> list[str]:
    """The user's typed messages so far, oldest first (button payloads left out)."""
    texts = [(event.get("text") or "").strip() for event in tracker.events if event.get("event") == "user"]
    return [text for text in texts if text and not text.startswith("/")]
