"""A hand-made rasa-sdk ``Tracker`` for form-validation unit tests: the latest message, requested slot and slots."""

from __future__ import annotations

from rasa_sdk import Tracker


def tracker(
    text: str = "",
    intent: str | None = "inform",
    requested: str | None = None,
    entities: list[dict] | None = None,
    slots: dict | None = None,
) -> Tracker:
    return Tracker(
        "unit",
        {"requested_slot": requested, **(slots or {})},
        {"text": text, "intent": {"name": intent}, "entities": entities or []},
        [],
        False,
        None,
        {},
        "action_listen",
    )
