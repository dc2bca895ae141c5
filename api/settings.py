"""Runtime settings from the environment (all loopback by default)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from knowledge_base.settings import data_dir


@dataclass(frozen=True)
class Settings:
    rasa_url: str = field(default_factory=lambda: os.environ.get("FARUN_RASA_URL", "http://127.0.0.1:5005"))
    rasa_token: str = field(default_factory=lambda: os.environ.get("FARUN_RASA_TOKEN", ""))
    action_url: str = field(default_factory=lambda: os.environ.get("FARUN_ACTION_URL", "http://127.0.0.1:5055/webhook"))
    rasa_timeout: float = field(default_factory=lambda: float(os.environ.get("FARUN_RASA_TIMEOUT", "30")))
    max_message_chars: int = 2000
    # what a handoff reply tells residents about when staff answer (never a phone number or address made up here)
    handoff_hours: str = field(
        default_factory=lambda: os.environ.get(
            "FARUN_HANDOFF_HOURS", "工作人员会在工作日上班时间查看求助，具体回电时间由工作人员安排，节假日顺延。"
        )
    )
    # rate limits of POST /api/chat and /api/feedback (``limits`` notation: "30/minute", "5/second;100/hour"),
    # per sender and per client address; the addresses in rate_limit_exempt (loopback: the stack's own checks,
    # a proxy without --proxy-headers) are counted per sender only. FARUN_RATE_LIMITS=off turns them off (farun
    # bench). Counters live in memory, or in Redis with FARUN_RATE_LIMIT_STORAGE=redis://host:6379/0.
    rate_limits: bool = field(default_factory=lambda: os.environ.get("FARUN_RATE_LIMITS", "on") != "off")
    rate_limit_storage: str = field(default_factory=lambda: os.environ.get("FARUN_RATE_LIMIT_STORAGE", "memory://"))
    chat_limit_per_sender: str = field(default_factory=lambda: os.environ.get("FARUN_CHAT_LIMIT_SENDER", "30/minute"))
    chat_limit_per_address: str = field(
        default_factory=lambda: os.environ.get("FARUN_CHAT_LIMIT_ADDRESS", "300/minute")
    )
    feedback_limit_per_sender: str = field(
        default_factory=lambda: os.environ.get("FARUN_FEEDBACK_LIMIT_SENDER", "30/minute")
    )
    feedback_limit_per_address: str = field(
        default_factory=lambda: os.environ.get("FARUN_FEEDBACK_LIMIT_ADDRESS", "300/minute")
    )
    rate_limit_exempt: tuple[str, ...] = field(
        default_factory=lambda: tuple(
            a.strip() for a in os.environ.get("FARUN_RATE_LIMIT_EXEMPT", "127.0.0.1,::1").split(",") if a.strip()
        )
    )
    # Rasa's conversation state (slots, open forms) in its SQL tracker store: the SQLite file tracker.db in the data
    # folder, or a PostgreSQL URL (postgresql://user:password@host/db). A conversation idle for longer than
    # tracker_retention_days is deleted by `farun retention`, as are turns older than turn_retention_days (turns
    # feed the staff dashboard, whose longest view is a year).
    tracker_store_url: str = field(
        default_factory=lambda: os.environ.get("FARUN_TRACKER_STORE_URL") or f"sqlite:///{data_dir() / 'tracker.db'}"
    )
    tracker_retention_days: float = field(
        default_factory=lambda: float(os.environ.get("FARUN_TRACKER_RETENTION_DAYS", "30"))
    )
    turn_retention_days: float = field(
        default_factory=lambda: float(os.environ.get("FARUN_TURN_RETENTION_DAYS", "366"))
    )


def get_settings() -> Settings:
    return Settings()
