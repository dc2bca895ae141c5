"""Retrieval quality on the paraphrase test set: hit@1, hit@3, hit@5 and MRR per collection and mode.

Each line of ``tests/data/paraphrases/*.jsonl`` is ``{"query", "ids", "collection"}``:
a user's paraphrase and the entry ids that answer it. Every query is searched
in its collection with BM25 only (``keyword``), dense only and the fused
ranking, in one run; the fused top hit's dense confidence is kept for the
abstention curve.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from api.stack import ROOT
from knowledge_base.retrieval.pipeline import MODES, Retriever
from knowledge_base.schema import Collection

DEFAULT_DIR = ROOT / "tests" / "data" / "paraphrases"
DEPTH = 5
KS = (1, 3, 5)


@dataclass(frozen=True)
class Outcome:
    """One query searched in one mode: the rank of the first right entry (None if not in the top DEPTH)."""

    collection: str
    mode: str
    rank: int | None
    confidence: float  # dense similarity of the top hit


def load_labelled_queries(directory: Path, valid, problem: str, what: str) -> list[dict]:
    """The JSON rows of ``directory/*.jsonl`` (blank lines skipped); the first row ``valid`` refuses is named with
    ``problem``, and no rows at all is an error naming ``what``."""
    rows = []
    for path in sorted(Path(directory).glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if not valid(row):
                raise ValueError(f"{path}:{number}: {problem}")
            rows.append(row)
    if not rows:
        raise ValueError(f"no {what} under {directory}")
    return rows


def load_paraphrases(directory: Path = DEFAULT_DIR) -> list[dict]:
    collections = {c.value for c in Collection}
    return load_labelled_queries(
        directory,
        lambda row: row.get("query") and row.get("ids") and row.get("collection") in collections,
        "needs query, ids and a collection",
        "paraphrases",
    )


def run(retriever: Retriever, rows: list[dict], modes: tuple[str, ...] = MODES) -> list[Outcome]:
    outcomes = []
    for row in rows:
        wanted = set(row["ids"])
        for mode in modes:
            hits = retriever.search(row["query"], row["collection"], k=DEPTH, mode=mode).hits
            rank = next((n for n, hit in enumerate(hits, 1) if hit.entry.id in wanted), None)
            outcomes.append(Outcome(row["collection"], mode, rank, hits[0].dense if hits else 0.0))
    return outcomes


def metrics(outcomes: list[Outcome]) -> dict:
    """hit@k and MRR (over the top DEPTH) of a group of outcomes."""
    n = len(outcomes)
    result = {f"hit@{k}": round(sum(o.rank is not None and o.rank <= k for o in outcomes) / n, 4) for k in KS}
    result["mrr"] = round(sum(1 / o.rank for o in outcomes if o.rank) / n, 4)
    result["n"] = n
    return result


def summarise(outcomes: list[Outcome]) -> dict:
    """``{collection or "all": {mode: metrics}}``."""
    groups = sorted({o.collection for o in outcomes}) + ["all"]
    modes = list(dict.fromkeys(o.mode for o in outcomes))
    return {
        group: {
            mode: metrics([o for o in outcomes if o.mode == mode and group in ("all", o.collection)]) for mode in modes
        }
        for group in groups
    }
