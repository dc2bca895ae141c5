"""Turn the workflow's unified diff of two versions into rows the diff page highlights.

Each row has a ``kind`` — ``add``, ``delete``, ``context``, ``hunk`` (an
``@@`` range marker) or ``file`` (the two version headers) — and its text as
segments ``(text, changed)``. When one deleted line is directly replaced by
one added line (a long answer edited in one place), the characters that
differ are marked as changed, so a one-word edit stands out.

``side_by_side`` lays the same rows out in two columns (the 「并排」 view): a
run of deleted lines faces the run of added lines that replaces it, line by
line, with an empty cell where one side has more; unchanged lines face
themselves; a hunk marker spans both columns. Everything is escaped by the
template, never here.
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


@dataclass(frozen=True)
class SidePair:
    """One line of the side-by-side view: the old version's row on the left, the new one's on the right."""

    old: DiffRow | None
    new: DiffRow | None

    @property
    def kind(self) -> str:
        return "hunk" if self.old is not None and self.old.kind == "hunk" else "pair"


def side_by_side(rows: list[DiffRow]) -> tuple[list[str], list[SidePair]]:
    """The two version headers and the rows of ``diff_rows`` paired for two columns."""
    headers = [row.segments[0][0] for row in rows if row.kind == "file"]
    pairs: list[SidePair] = []
    deleted: list[DiffRow] = []
    added: list[DiffRow] = []

    def flush() -> None:
        for index in range(max(len(deleted), len(added))):
            pairs.append(SidePair(*(side[index] if index < len(side) else None for side in (deleted, added))))
        deleted.clear()
        added.clear()

    for row in rows:
        if row.kind == "delete":
            if added:  # a new run of deletions starts a new block
                flush()
            deleted.append(row)
        elif row.kind == "add":
            added.append(row)
        elif row.kind != "file":
            flush()
            pairs.append(SidePair(row, row))
    flush()
    return headers, pairs


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
