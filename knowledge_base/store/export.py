"""Write the published entries back to the YAML layout of ``knowledge_base/entries`` (``farun kb export --yaml``).

Each entry returns to the file it came from (new entries go to
``faq/<area>.yml``); FAQ files carry ``collection`` and ``area`` at file level,
guide files carry their issues with items in item order. Loading the result
with ``knowledge_base.loader`` gives back the same entries.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.schema import Collection
from knowledge_base.store.models import EntryRow, GuideIssueRow

GUIDE_DERIVED = ("collection", "area", "issue", "item")


def published_rows(session: Session) -> list[EntryRow]:
    return list(session.scalars(select(EntryRow).where(EntryRow.published.is_not(None)).order_by(EntryRow.position)))


def _faq_document(records: list[dict]) -> dict:
    area = records[0]["area"]
    entries = [
        {key: value for key, value in record.items() if key != "collection" and not (key == "area" and value == area)}
        for record in records
    ]
    return {"collection": Collection.FAQ.value, "area": area, "entries": entries}


def _guide_document(records: list[dict], issues: list[GuideIssueRow]) -> dict:
    items = defaultdict(list)
    for record in sorted(records, key=lambda r: (r["issue"], r["item"])):
        items[record["issue"]].append({k: v for k, v in record.items() if k not in GUIDE_DERIVED})
    return {
        "issues": [
            {"issue": issue.issue, "theme": issue.theme, "topic": issue.topic, "items": items[issue.issue]}
            for issue in issues
        ]
    }


def export_yaml(session: Session, root: Path) -> list[Path]:
    """Write every published entry under ``root``; returns the files written."""
    by_file: dict[str, list[dict]] = defaultdict(list)
    for row in published_rows(session):
        by_file[row.source_file].append(row.published)
    issues_by_file: dict[str, list[GuideIssueRow]] = defaultdict(list)
    for issue in session.scalars(select(GuideIssueRow).order_by(GuideIssueRow.issue)):
        issues_by_file[issue.source_file].append(issue)
    written = []
    for source in sorted(set(by_file) | set(issues_by_file)):
        records = by_file[source]
        if source in issues_by_file:
            document = _guide_document(records, issues_by_file[source])
        else:
            document = _faq_document(records)
        path = root / source
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
        written.append(path)
    return written
