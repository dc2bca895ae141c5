"""Convert between knowledge-base ``Entry`` objects and the YAML-shaped records the database stores."""

from __future__ import annotations

from knowledge_base.schema import Entry


def to_data(entry: Entry) -> dict:
    """The entry as it is written in YAML: ``answer`` for the FAQ text, no empty or unset fields."""
    data = entry.model_dump(mode="json", exclude={"answer"}, exclude_none=True)
    if "answer_text" in data:
        data["answer"] = data.pop("answer_text")
    return {key: value for key, value in data.items() if value != []}


def to_entry(data: dict) -> Entry:
    return Entry.model_validate(data)
