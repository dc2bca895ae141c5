"""Runtime settings from the environment (all loopback by default)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Settings:
    rasa_url: str = field(default_factory=lambda: os.environ.get("FARUN_RASA_URL", "http://127.0.0.1:5005"))
    rasa_token: str = field(default_factory=lambda: os.environ.get("FARUN_RASA_TOKEN", ""))
    action_url: str = field(default_factory=lambda: os.environ.get("FARUN_ACTION_URL", "http://127.0.0.1:5055/webhook"))
    rasa_timeout: float = field(default_factory=lambda: float(os.environ.get("FARUN_RASA_TIMEOUT", "30")))
    max_message_chars: int = 2000


def get_settings() -> Settings:
    return Settings()
