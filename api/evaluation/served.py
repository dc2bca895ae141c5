"""``farun eval --real``: what the user actually got, measured through the running stack.

Sends every question of the held-out dev set (``{"id", "text", "area"}`` JSON
lines, read at run time and never copied anywhere) to ``POST /api/chat`` of
the whole stack, each with a fresh sender id, and scores the replies against
the dev areas and the entry labels (``tests/data/real_dev_labels.jsonl``).
Only ids, kinds and numbers are kept: no question text reaches a report.

The scoring is pure (``compact``, ``judge``, ``summarise``, ``score``): it
takes the labels, the dev rows and the recorded responses, so it is tested
without a stack. Definitions:

- A turn's **served entries** are the entries of its replies of a serving
  kind (``SERVING_KINDS``: ``answer``, and a ``referral`` or ``abstain`` that
  carries an orientation entry, whose full answer text the user sees). The
  **first served entry** is the first of them. **Offered entries** are the
  ``/choose_entry`` buttons of did-you-mean, answer (related questions),
  referral and abstain replies, and the entries a did-you-mean lists; browse
  menus are not offers (they list a whole topic).
- The **served area** of a turn, by priority: the first served entry's area
  when it came in an ``answer`` (entry areas map through ``ENTRY_AREA``:
  other_topics becomes other_legal, legal_services stays legal_services);
  ``other_legal`` for a referral or abstention carrying an entry; else the
  first offered entry of a did-you-mean; else ``other_legal`` for a referral,
  legal-aid result, mediation routing or statute article; else the NLU
  intent's area (``routing.INTENT_AREA``) for a menu, form question or plan;
  else ``no_answer`` for rephrase, abstain, handoff, unavailable, empty or
  too-long replies, an empty turn or a failed request; else
  ``chitchat_or_noise`` for replies without a kind (greeting templates) or
  chitchat-like kinds; any other kind is ``unmapped`` (listed in the summary).
- **Served-area accuracy** compares the served area with the dev area;
  legal_services counts as other_legal for other_legal questions, and a
  served entry that the label lists counts as correct whatever its area.
  Macro-F1 is over the dev areas present.
- **hit@1**: over questions whose label lists entry ids, the first served
  entry is one of them. **hit@3**: a labelled entry is served or offered
  anywhere in the turn.
- **No-answer rate** on in-scope questions (dev area wage_arrears,
  elderly_services, enterprise_risk): the turn's decisive reply is a
  rephrase, abstain, referral, handoff, unavailable, empty or too-long reply,
  or the turn is empty or failed.
- **Wrong-side rate**: among questions labelled worker or employer whose turn
  served an entry, the first served entry is on the opposite side.
- **other_legal answered from an unrelated entry**: among other_legal
  questions, the first served entry is in wage_arrears, elderly_services or
  enterprise_risk and not among the labelled entries.

**Own test set** (``farun eval --real --own``, ``run_own``): the same run on the project's own labelled
sentences instead of the dev set, built in memory by ``load_own``. ``tests/data/paraphrases/*.jsonl``
(``{"query", "ids", "collection"}``) become rows ``para-0001``... whose area is the dev-style area of the
first listed entry (legal_services and other_topics entries count as other_legal) and whose label lists the
entry ids, with the first entry's side (``any`` becomes ``other``). ``tests/data/nlu_heldout/*.jsonl``
(``{"text", "intent", "side"}``) become rows ``nlu-0001``... whose area is the intent's (legal_services and
out_of_scope count as other_legal) and whose label has the side but no entries: they count for the served
area, no-answer, wrong side and other_legal-unrelated, not for hit@k. Files are read in name order, lines
in file order. Own runs are saved under the config name suffixed ``-own`` (``own_config``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from api.evaluation.routing import INTENT_AREA
from api.stack import ROOT

DEV_AREAS = ("wage_arrears", "elderly_services", "enterprise_risk", "other_legal", "chitchat_or_noise")
IN_SCOPE = ("wage_arrears", "elderly_services", "enterprise_risk")
ENTRY_AREA = {
    "wage_arrears": "wage_arrears",
    "elderly_services": "elderly_services",
    "enterprise_risk": "enterprise_risk",
    "legal_services": "legal_services",
    "other_topics": "other_legal",
}
SERVED_AREAS = (*DEV_AREAS, "legal_services", "no_answer", "unmapped")
LABEL_SENTINELS = ("none", "refer", "chitchat")
OPPOSITE_SIDE = {"worker": "employer", "employer": "worker"}

SERVING_KINDS = frozenset({"answer", "referral", "abstain"})  # replies whose entries' answers the user reads
OFFER_KINDS = frozenset({"did_you_mean", "answer", "referral", "abstain"})  # replies whose entry buttons count
REFERRAL_KINDS = frozenset({"referral", "legal_aid_result", "mediation_routing", "article"})
FLOW_KINDS = frozenset({"menu", "browse", "question", "form_question", "plan", "wage_plan"})
NO_ANSWER_KINDS = frozenset(
    {"rephrase", "abstain", "handoff", "unavailable", "empty", "too_long", "article_not_found", "error"}
)
CHITCHAT_KINDS = frozenset({None, "feedback", "form_stopped", "stopped", "greet", "chitchat"})
NOT_ANSWERED = NO_ANSWER_KINDS | {"referral", "none"}  # decisive kinds that leave an in-scope question unanswered

DEFAULT_DEV = ROOT.parent / "shared" / "eval" / "real_questions_dev.jsonl"
DEFAULT_LABELS = ROOT / "tests" / "data" / "real_dev_labels.jsonl"
CHOOSE_ENTRY = "/choose_entry"
DEFAULT_PARAPHRASES = ROOT / "tests" / "data" / "paraphrases"
DEFAULT_NLU_HELDOUT = ROOT / "tests" / "data" / "nlu_heldout"
INTENT_DEV_AREA = {
    "wage_arrears": "wage_arrears",
    "elderly_services": "elderly_services",
    "enterprise_risk": "enterprise_risk",
    "legal_services": "other_legal",
    "out_of_scope": "other_legal",
}
OWN_SIDES = ("worker", "employer", "older_person", "family")  # any other side (``any``) becomes ``other``
OWN_SUFFIX = "-own"
CONFIG_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSWORD|KEY|CREDENTIAL", re.IGNORECASE)


# ---------------------------------------------------------------- inputs


def _json_lines(path: Path, need_id: bool = True) -> list[dict]:
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"{path}:{number}: not JSON ({exc})") from None
        if not isinstance(row, dict):
            raise ValueError(f"{path}:{number}: not a JSON object")
        if need_id and not str(row.get("id", "")).strip():
            raise ValueError(f"{path}:{number}: needs an id")
        rows.append(row)
    if not rows:
        raise ValueError(f"{path}: empty")
    return rows


def load_dev(path: Path) -> list[dict]:
    """The dev rows ``{"id", "text", "area"}`` (the text stays in memory, for sending only)."""
    if not Path(path).exists():
        raise FileNotFoundError(f"dev questions not found: {path} (give --dev PATH)")
    rows = _json_lines(path)
    for row in rows:
        if row.get("area") not in DEV_AREAS or not str(row.get("text", "")).strip():
            raise ValueError(f"{path}: row {row['id']} needs a text and an area in {DEV_AREAS}")
    return [{"id": row["id"], "text": row["text"], "area": row["area"]} for row in rows]


def load_labels(path: Path) -> dict[str, dict]:
    """Labels by id: ``{"entries": [...], "side": ..., "gap"?}``."""
    labels = {}
    for row in _json_lines(path):
        if not isinstance(row.get("entries"), list) or not row["entries"]:
            raise ValueError(f"{path}: row {row['id']} needs a non-empty entries list")
        labels[row["id"]] = {"entries": list(row["entries"]), "side": row.get("side"), "gap": row.get("gap")}
    return labels


def _jsonl_files(folder: Path) -> list[Path]:
    files = sorted(Path(folder).glob("*.jsonl"))
    if not files:
        raise FileNotFoundError(f"no *.jsonl files in {folder}")
    return files


def _own_side(side) -> str:
    return side if side in OWN_SIDES else "other"


def load_own(paraphrase_dir: Path, nlu_dir: Path, facts: dict[str, dict]) -> tuple[list[dict], dict[str, dict]]:
    """The own test set as ``(rows, labels)`` like ``load_dev`` and ``load_labels`` (see the module doc).

    ``facts`` are the knowledge base's ``entry_facts``: every entry a paraphrase lists must be in it."""
    rows: list[dict] = []
    labels: dict[str, dict] = {}
    for path in _jsonl_files(paraphrase_dir):
        for number, line in enumerate(_json_lines(path, need_id=False), 1):
            ids, text = line.get("ids"), str(line.get("query") or "").strip()
            where = f"{path}: row {number}"
            if not text or not isinstance(ids, list) or not ids:
                raise ValueError(f"{where}: needs a query and a non-empty ids list")
            unknown = [i for i in ids if i not in facts]
            if unknown:
                raise ValueError(f"{where}: unknown entry ids {unknown}")
            first = facts[ids[0]]
            area = ENTRY_AREA.get(first["area"], "unmapped")
            area = "other_legal" if area == "legal_services" else area
            if area not in DEV_AREAS:
                raise ValueError(f"{where}: entry {ids[0]} has area {first['area']!r}, which maps to no dev area")
            qid = f"para-{len(rows) + 1:04d}"
            rows.append({"id": qid, "text": text, "area": area})
            labels[qid] = {"entries": [str(i) for i in ids], "side": _own_side(first.get("side")), "gap": None}
    count = 0
    for path in _jsonl_files(nlu_dir):
        for number, line in enumerate(_json_lines(path, need_id=False), 1):
            text, intent = str(line.get("text") or "").strip(), line.get("intent")
            if not text or intent not in INTENT_DEV_AREA:
                raise ValueError(f"{path}: row {number} needs a text and an intent in {tuple(INTENT_DEV_AREA)}")
            count += 1
            qid = f"nlu-{count:04d}"
            rows.append({"id": qid, "text": text, "area": INTENT_DEV_AREA[intent]})
            labels[qid] = {"entries": [], "side": _own_side(line.get("side")), "gap": None}
    return rows, labels


def entry_facts(entries: Iterable) -> dict[str, dict]:
    """``{id: {"area", "side"}}`` of knowledge-base entries (objects with ``.id``, ``.area``, ``.side``)."""
    facts = {}
    for entry in entries:
        side = getattr(entry, "side", None)
        facts[entry.id] = {"area": _value(entry.area), "side": _value(side) if side is not None else "any"}
    return facts


def _value(item) -> str:
    return getattr(item, "value", item)


# ---------------------------------------------------------------- one turn


def _offered_ids(buttons: list[dict]) -> list[str]:
    ids = []
    for button in buttons or []:
        text = str(button.get("payload") or "")
        if not text.startswith(CHOOSE_ENTRY):
            continue
        try:
            entry_id = json.loads(text[len(CHOOSE_ENTRY) :] or "{}").get("entry_id")
        except (ValueError, AttributeError):
            continue
        if entry_id:
            ids.append(str(entry_id))
    return ids


def compact(response: dict | None) -> dict:
    """An API response reduced to ids and kinds (no text): ``{"intent", "confidence", "replies", "error"?}``,
    each reply ``{"kind", "entry_ids", "offered"}``. Idempotent: a compact turn comes back unchanged."""
    if not response:
        return {"intent": None, "confidence": None, "replies": [], "error": "no response"}
    replies = []
    for reply in response.get("replies") or []:
        offered = reply["offered"] if "offered" in reply else _offered_ids(reply.get("buttons") or [])
        replies.append({"kind": reply.get("kind"), "entry_ids": list(reply.get("entry_ids") or []), "offered": offered})
    turn = {"intent": response.get("intent"), "confidence": response.get("confidence"), "replies": replies}
    if response.get("error"):
        turn["error"] = str(response["error"])
    return turn


def served_ids(turn: dict) -> list[str]:
    """Entries whose answers the user read, in order (replies of ``SERVING_KINDS``)."""
    return [i for r in turn["replies"] if r["kind"] in SERVING_KINDS for i in r["entry_ids"]]


def offered_ids(turn: dict) -> list[str]:
    """Entries offered to pick: did-you-mean entries and the entry buttons of ``OFFER_KINDS`` replies."""
    ids: list[str] = []
    for reply in turn["replies"]:
        if reply["kind"] == "did_you_mean":
            ids += reply["entry_ids"]
        if reply["kind"] in OFFER_KINDS:
            ids += reply["offered"]
    return list(dict.fromkeys(ids))


def decisive(turn: dict) -> tuple[str | None, str | None]:
    """``(kind, entry_id)`` of the reply that decides what the turn was, by the priority in the module doc.

    The kind is ``"none"`` for an empty turn and ``"error"`` for a failed request."""
    replies = turn["replies"]
    if turn.get("error"):
        return "error", None
    if not replies:
        return "none", None
    for reply in replies:
        if reply["kind"] in SERVING_KINDS and reply["entry_ids"]:
            return reply["kind"], reply["entry_ids"][0]
    for reply in replies:
        if reply["kind"] == "did_you_mean" and (reply["entry_ids"] or reply["offered"]):
            return "did_you_mean", (reply["entry_ids"] or reply["offered"])[0]
    for group in (REFERRAL_KINDS, FLOW_KINDS, NO_ANSWER_KINDS, CHITCHAT_KINDS):
        for reply in replies:
            if reply["kind"] in group:
                return reply["kind"], None
    return replies[0]["kind"], None


def served_area(turn: dict, facts: dict[str, dict]) -> str:
    """The area the user was served (one of ``SERVED_AREAS``)."""
    kind, entry_id = decisive(turn)
    if entry_id is not None and kind in ("answer", "did_you_mean"):
        area = (facts.get(entry_id) or {}).get("area")
        return ENTRY_AREA.get(area, "unmapped")
    if entry_id is not None or kind in REFERRAL_KINDS:
        return "other_legal"
    if kind in FLOW_KINDS:
        return INTENT_AREA.get(turn.get("intent") or "", "unmapped")
    if kind in NO_ANSWER_KINDS or kind == "none":
        return "no_answer"
    if kind in CHITCHAT_KINDS:
        return "chitchat_or_noise"
    return "unmapped"


def labelled_ids(label: dict | None) -> list[str]:
    """The entry ids a label lists (empty for none / refer / chitchat or no label)."""
    return [i for i in (label or {}).get("entries", []) if i not in LABEL_SENTINELS]


def judge(question: dict, label: dict | None, response: dict | None, facts: dict[str, dict]) -> dict:
    """One question's record (ids, kinds and verdicts only). ``question`` needs ``id`` and ``area``."""
    turn = compact(response)
    wanted = labelled_ids(label)
    served, offered = served_ids(turn), offered_ids(turn)
    first = served[0] if served else None
    kind, _ = decisive(turn)
    area = served_area(turn, facts)
    dev_area = question["area"]
    side = (label or {}).get("side")
    first_facts = facts.get(first or "") or {}
    return {
        "id": question["id"],
        "area": dev_area,
        "label": list((label or {}).get("entries", [])),
        "side": side,
        "intent": turn["intent"],
        "confidence": turn["confidence"],
        "kinds": [r["kind"] for r in turn["replies"]],
        "decisive": kind,
        "served": served,
        "offered": offered,
        "served_area": area,
        "area_ok": area == dev_area
        or (dev_area == "other_legal" and area == "legal_services")
        or (first is not None and first in wanted),
        "hit1": (first in wanted) if wanted else None,
        "hit3": bool(set(wanted) & set(served + offered)) if wanted else None,
        "no_answer": kind in NOT_ANSWERED,
        "wrong_side": (first_facts.get("side") == OPPOSITE_SIDE[side]) if side in OPPOSITE_SIDE and first else None,
        "unrelated": (first_facts.get("area") in IN_SCOPE and first not in wanted)
        if dev_area == "other_legal"
        else None,
        "error": turn.get("error"),
    }


# ---------------------------------------------------------------- metrics


def _rate(flags: list) -> float | None:
    values = [bool(f) for f in flags if f is not None]
    return round(sum(values) / len(values), 4) if values else None


def _count(flags: list) -> int:
    return sum(1 for f in flags if f is not None)


def area_scores(records: list[dict]) -> dict:
    """Served-area accuracy, macro-F1 over the dev areas present, per-area precision/recall/F1 and confusion."""
    gold = [r["area"] for r in records]
    scored = [r["area"] if r["area_ok"] else r["served_area"] for r in records]
    present = [a for a in DEV_AREAS if a in gold]
    per_area = {}
    for area in DEV_AREAS:
        tp = sum(g == area and p == area for g, p in zip(gold, scored))
        support, predicted = gold.count(area), scored.count(area)
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_area[area] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": support,
        }
    columns = [a for a in SERVED_AREAS if a in DEV_AREAS or any(r["served_area"] == a for r in records)]
    matrix = [[sum(r["area"] == g and r["served_area"] == s for r in records) for s in columns] for g in DEV_AREAS]
    return {
        "accuracy": _rate([r["area_ok"] for r in records]),
        "macro_f1": round(sum(per_area[a]["f1"] for a in present) / len(present), 4) if present else None,
        "per_area": per_area,
        "confusion": {"rows": list(DEV_AREAS), "columns": columns, "matrix": matrix},
    }


def summarise(records: list[dict]) -> dict:
    """Every metric of the module doc from the per-question records of ``judge``."""
    in_scope = [r for r in records if r["area"] in IN_SCOPE]
    other = [r for r in records if r["area"] == "other_legal"]
    labelled = [r for r in records if r["hit1"] is not None]
    side_rows = [r for r in records if r["wrong_side"] is not None]
    gaps = [r for r in records if r["label"] == ["none"]]
    per_area = {}
    for area in DEV_AREAS:
        mine = [r for r in records if r["area"] == area]
        per_area[area] = {
            "n": len(mine),
            "served_area_recall": _rate([r["area_ok"] for r in mine]),
            "hit@1": _rate([r["hit1"] for r in mine]),
            "hit@3": _rate([r["hit3"] for r in mine]),
            "labelled": _count([r["hit1"] for r in mine]),
            "no_answer": _rate([r["no_answer"] for r in mine]) if area in IN_SCOPE else None,
            "did_you_mean": _rate([r["decisive"] == "did_you_mean" for r in mine]),
        }
    return {
        "n": len(records),
        "errors": sum(bool(r["error"]) for r in records),
        "served_area": area_scores(records),
        "answers": {
            "n_labelled": len(labelled),
            "hit@1": _rate([r["hit1"] for r in labelled]),
            "hit@3": _rate([r["hit3"] for r in labelled]),
        },
        "no_answer": {"n_in_scope": len(in_scope), "rate": _rate([r["no_answer"] for r in in_scope])},
        "wrong_side": {
            "n_answered": len(side_rows),
            "n_wrong": sum(bool(r["wrong_side"]) for r in side_rows),
            "rate": _rate([r["wrong_side"] for r in side_rows]),
            "ids": [r["id"] for r in side_rows if r["wrong_side"]],
        },
        "other_legal_unrelated": {
            "n": len(other),
            "rate": _rate([r["unrelated"] for r in other]),
            "ids": [r["id"] for r in other if r["unrelated"]],
        },
        "gaps_answered": {
            "n": len(gaps),
            "rate": _rate([bool(r["served"]) and r["decisive"] == "answer" for r in gaps]),
        },
        "per_area": per_area,
        "decisive_kinds": dict(Counter(str(r["decisive"]) for r in records).most_common()),
        "unmapped_kinds": sorted({str(r["decisive"]) for r in records if r["served_area"] == "unmapped"}),
    }


def score(labels: dict[str, dict], dev_rows: list[dict], responses: dict[str, dict], facts: dict[str, dict]):
    """``(summary, records)`` for dev rows (``id``, ``area``), labels by id, API responses by id and entry facts."""
    records = [judge(row, labels.get(row["id"]), responses.get(row["id"]), facts) for row in dev_rows]
    summary = summarise(records)
    summary["unlabelled"] = [row["id"] for row in dev_rows if row["id"] not in labels]
    return summary, records


def headline(summary: dict) -> dict:
    """The numbers the before/after table compares (flat, ``None`` when undefined)."""
    area = summary["served_area"]
    return {
        "n": summary["n"],
        "errors": summary["errors"],
        "served-area accuracy": area["accuracy"],
        "served-area macro-F1": area["macro_f1"],
        **{f"recall {a}": area["per_area"][a]["recall"] for a in DEV_AREAS},
        "hit@1": summary["answers"]["hit@1"],
        "hit@3": summary["answers"]["hit@3"],
        "no-answer rate (in scope)": summary["no_answer"]["rate"],
        "wrong-side rate": summary["wrong_side"]["rate"],
        "other_legal answered unrelated": summary["other_legal_unrelated"]["rate"],
        "gap questions answered": summary["gaps_answered"]["rate"],
    }


# ---------------------------------------------------------------- running the stack


@contextmanager
def running_api(api_url: str | None) -> Iterator[str]:
    """The API base URL: ``api_url`` as given, else a whole stack started on loopback for the ``with``.

    The own stack gets a temporary data folder (database, turn log, logs) and a copy of the FAISS index cache
    of ``var/``, so nothing of the checkout changes and the index need not be rebuilt."""
    if api_url:
        yield api_url.rstrip("/")
        return
    from api.stack import MODEL, Stack
    from knowledge_base.settings import index_dir

    if not MODEL.exists():
        raise RuntimeError(f"{MODEL} is missing: run `make train` first (and `make index` for the index cache)")
    cached_index = index_dir()
    saved = {key: os.environ.get(key) for key in ("DATABASE_URL", "FARUN_DATA_DIR")}
    with tempfile.TemporaryDirectory(prefix="farun-eval-real-") as data_dir:
        if cached_index.is_dir():
            shutil.copytree(cached_index, Path(data_dir) / "index")
        os.environ["DATABASE_URL"] = f"sqlite:///{data_dir}/farun.db"
        os.environ["FARUN_DATA_DIR"] = data_dir
        stack = Stack()
        try:
            stack.start()
            yield stack.api_url
        except BaseException:
            kept = ROOT / "var" / "logs" / "eval-real"
            if (Path(data_dir) / "logs").is_dir():
                shutil.copytree(Path(data_dir) / "logs", kept, dirs_exist_ok=True)
                print(f"stack logs copied to {kept}", file=sys.stderr)
            raise
        finally:
            stack.stop()
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def ask_all(api_url: str, questions: list[dict], timeout: float = 120) -> dict[str, dict]:
    """Each question to ``POST {api_url}/api/chat`` with a fresh sender; compact turns by id (no text kept)."""
    import httpx

    run = uuid.uuid4().hex[:8]
    turns: dict[str, dict] = {}
    with httpx.Client(base_url=api_url, timeout=timeout) as client:
        for number, question in enumerate(questions, 1):
            sender = f"eval-real-{run}-{question['id']}"
            try:
                response = client.post("/api/chat", json={"sender": sender, "message": question["text"]})
                if response.status_code == 200:
                    turns[question["id"]] = compact(response.json())
                else:
                    turns[question["id"]] = compact({"replies": [], "error": f"HTTP {response.status_code}"})
            except httpx.HTTPError as exc:
                turns[question["id"]] = compact({"replies": [], "error": type(exc).__name__})
            if number % 25 == 0 or number == len(questions):
                print(f"  {number}/{len(questions)} questions sent", file=sys.stderr)
    return turns


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        return out.stdout.strip() or None
    except OSError:
        return None


def run_settings(api_url: str | None) -> dict:
    """What distinguishes a run: the FARUN_* settings of this process (passed on to an own stack; secrets
    left out), the commit and the model's time."""
    from api.stack import MODEL

    env = {
        key: value
        for key, value in sorted(os.environ.items())
        if key.startswith("FARUN_") and key != "FARUN_DATA_DIR" and not SECRET_NAME.search(key)
    }
    return {
        "api": api_url or "own stack",
        "env": env,
        "commit": _git_commit(),
        "model_mtime": (
            datetime.fromtimestamp(MODEL.stat().st_mtime, timezone.utc).isoformat(timespec="seconds")
            if MODEL.exists()
            else None
        ),
    }


def check_config(name: str) -> str:
    if not CONFIG_NAME.match(name):
        raise ValueError(f"config name {name!r}: letters, digits, '_', '-' and '.' only (at most 64)")
    return name


def own_config(name: str) -> str:
    """The saved name of an own-test-set run: ``name`` suffixed ``-own`` (once)."""
    check_config(name)
    return check_config(name if name.endswith(OWN_SUFFIX) else name + OWN_SUFFIX)


def _relative(path: Path) -> str:
    path = Path(path)
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def run_real(
    dev_path: Path = DEFAULT_DEV,
    labels_path: Path = DEFAULT_LABELS,
    out_dir: Path | None = None,
    config: str = "default",
    api_url: str | None = None,
    limit: int | None = None,
) -> dict:
    """Ask every dev question through the stack, score, write the reports; the summary (ids only)."""
    from knowledge_base.loader import load_knowledge_base

    check_config(config)
    questions = load_dev(dev_path)
    labels = load_labels(labels_path)
    facts = entry_facts(load_knowledge_base().entries)
    about = {"question_set": "dev", "dev_file": str(dev_path), "labels_file": str(labels_path)}
    return _run(questions[: limit or None], labels, facts, about, out_dir, config, api_url)


def run_own(
    paraphrase_dir: Path = DEFAULT_PARAPHRASES,
    nlu_dir: Path = DEFAULT_NLU_HELDOUT,
    out_dir: Path | None = None,
    config: str = "default",
    api_url: str | None = None,
    limit: int | None = None,
) -> dict:
    """``run_real`` on the own test set (``load_own``), saved as ``own_config(config)``."""
    from knowledge_base.loader import load_knowledge_base

    config = own_config(config)
    facts = entry_facts(load_knowledge_base().entries)
    questions, labels = load_own(paraphrase_dir, nlu_dir, facts)
    about = {
        "question_set": "own",
        "dev_file": f"{_relative(paraphrase_dir)}/*.jsonl + {_relative(nlu_dir)}/*.jsonl",
        "labels_file": "built from the same files (paraphrases: entry ids and the first entry's side; "
        "nlu_heldout: intent and side, no entries)",
        "sources": {
            "paraphrases": sum(q["id"].startswith("para-") for q in questions),
            "nlu_heldout": sum(q["id"].startswith("nlu-") for q in questions),
        },
    }
    return _run(questions[: limit or None], labels, facts, about, out_dir, config, api_url)


def _run(
    questions: list[dict],
    labels: dict[str, dict],
    facts: dict[str, dict],
    about: dict,
    out_dir: Path | None,
    config: str,
    api_url: str | None,
) -> dict:
    from api.evaluation import served_report
    from api.evaluation.suite import REPORT_DIR

    out_dir = Path(out_dir or REPORT_DIR)
    settings = run_settings(api_url)
    started = time.perf_counter()
    with running_api(api_url) as url:
        turns = ask_all(url, questions)
    seconds = time.perf_counter() - started
    if turns and all(t.get("error") for t in turns.values()):
        raise RuntimeError(
            f"every request to {api_url or 'the stack'} failed (e.g. {next(iter(turns.values()))['error']})"
        )
    summary, records = score(labels, [{"id": q["id"], "area": q["area"]} for q in questions], turns, facts)
    summary = {
        "config": config,
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(seconds, 1),
        **about,
        **settings,
        **summary,
    }
    summary["files"] = served_report.write(summary, records, out_dir)
    return summary
