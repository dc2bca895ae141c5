"""Load knowledge-base entries from the YAML files under ``knowledge_base/entries``.

FAQ files (``entries/faq/*.yml``) hold ``collection``, ``area`` and a list of
``entries``; guide files (``entries/guide/*.yml``) hold ``issues``, each with
its number, theme, browsing topic and ``items``. Items are numbered by their
position in the issue. File-level fields are defaults for every entry in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from knowledge_base.schema import Entry, GuideIssue

ENTRIES_DIR = Path(__file__).parent / "entries"


class EntryFileError(ValueError):
    """An entry file that does not match the schema; says which file and entry."""


@dataclass
class KnowledgeBase:
    entries: list[Entry]
    issues: list[GuideIssue]

    def by_id(self) -> dict[str, Entry]:
        return {entry.id: entry for entry in self.entries}


def _entry(raw: dict, defaults: dict, where: str) -> Entry:
    try:
        return Entry.model_validate({**defaults, **raw})
    except ValidationError as exc:
        raise EntryFileError(f"{where}: {exc}") from exc


def load_file(path: Path) -> tuple[list[Entry], list[GuideIssue]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    defaults = {key: data[key] for key in ("collection", "area") if key in data}
    entries: list[Entry] = []
    issues: list[GuideIssue] = []
    for index, raw in enumerate(data.get("entries", [])):
        entries.append(_entry(raw, defaults, f"{path.name} entry {raw.get('id', index)}"))
    for raw_issue in data.get("issues", []):
        items = raw_issue.get("items", [])
        meta = {key: value for key, value in raw_issue.items() if key != "items"}
        try:
            issues.append(GuideIssue.model_validate(meta))
        except ValidationError as exc:
            raise EntryFileError(f"{path.name} issue {meta.get('issue')}: {exc}") from exc
        for number, raw in enumerate(items, start=1):
            item_defaults = {
                "collection": "guide",
                "area": "enterprise_risk",
                **defaults,
                "issue": meta["issue"],
                "item": number,
            }
            entries.append(_entry(raw, item_defaults, f"{path.name} 第{meta['issue']}期第{number}条"))
    return entries, issues


def load_knowledge_base(root: Path = ENTRIES_DIR) -> KnowledgeBase:
    """Every entry and guide issue under ``root``, in file order."""
    entries: list[Entry] = []
    issues: list[GuideIssue] = []
    for path in sorted(root.rglob("*.yml")):
        file_entries, file_issues = load_file(path)
        entries.extend(file_entries)
        issues.extend(file_issues)
    return KnowledgeBase(entries=entries, issues=sorted(issues, key=lambda issue: issue.issue))
