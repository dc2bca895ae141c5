"""Turn the workflow's unified diff of two versions into rows the diff page highlights.

Each row has a ``kind`` — ``add``, ``delete``, ``context``, ``hunk`` (an
``@@`` range marker) or ``file`` (the two version headers) — and its text as
segments ``(text, changed)``. When one deleted line is directly replaced by
one added line (a long answer edited in one place), the characters that
differ are marked as changed, so a one-word edit stands out.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

KINDS = {"+": "add", "-": "delete", " ": "context"}


@dataclass(frozen=True)
class DiffRow:
    kind: str
    segments: tuple[tuple[str, bool], ...]


def _row(kind: str, text: str) -> DiffRow:
    return DiffRow(kind, ((text, False),))


def _paired(old: str, new: str) -> tuple[DiffRow, DiffRow]:
    """A replaced line: the deleted and the added row with only their differing characters marked."""
    deleted, added = [], []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if i2 > i1:
            deleted.append((old[i1:i2], tag != "equal"))
        if j2 > j1:
            added.append((new[j1:j2], tag != "equal"))
    return DiffRow("delete", tuple(deleted)), DiffRow("add", tuple(added))


def diff_rows(unified: str) -> list[DiffRow]:
    rows: list[DiffRow] = []
    lines = unified.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith(("+++", "---")):
            rows.append(DiffRow("file", ((line[4:], False),)))
        elif line.startswith("@@"):
            rows.append(DiffRow("hunk", ((line, False),)))
        elif (
            line.startswith("-")
            and index + 1 < len(lines)
            and lines[index + 1].startswith("+")
            and not lines[index + 1].startswith("+++")
            and (index + 2 == len(lines) or not lines[index + 2].startswith("+"))
            and (index == 0 or not lines[index - 1].startswith("-"))
        ):
            rows.extend(_paired(line[1:], lines[index + 1][1:]))
            index += 1
        else:
            rows.append(_row(KINDS.get(line[:1], "context"), line[1:]))
        index += 1
    return rows
