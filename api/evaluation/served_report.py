"""Reports of ``farun eval --real``: ``eval_real.md`` with its plot, the saved run, per-question details, and the
side-by-side table of saved runs (``--compare``). Ids, kinds and numbers only: never a question's text.

Runs on the own test set (``--own``, ``question_set`` ``"own"``) write ``eval_real_own.md``,
``eval_real_own_details.jsonl`` and ``eval_real_own_areas.png`` instead, so they leave the dev report alone;
their saved runs are ``eval_real_<config>-own.json``. A comparison of own runs only is ``eval_real_own_compare.md``."""

from __future__ import annotations

import json
from pathlib import Path

from api.evaluation import plots
from api.evaluation.report import table
from api.evaluation.served import IN_SCOPE, check_config, headline

RUN_PREFIX = "eval_real_"
DETAILS = "eval_real_details.jsonl"
QUESTION_SETS = ("dev", "own")


def _stem(question_set: str | None) -> str:
    """``eval_real`` for dev runs, ``eval_real_own`` for own-test-set runs (runs saved before sets: dev)."""
    return "eval_real_own" if question_set == "own" else "eval_real"


def question_set(summary: dict) -> str:
    return summary.get("question_set") or "dev"


def run_path(out_dir: Path, config: str) -> Path:
    return Path(out_dir) / f"{RUN_PREFIX}{check_config(config)}.json"


def details_path(out_dir: Path, config: str) -> Path:
    return Path(out_dir) / f"{RUN_PREFIX}{check_config(config)}.details.jsonl"


def _fmt(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _ids(ids: list[str], limit: int = 40) -> str:
    if not ids:
        return "none"
    shown = ", ".join(f"`{i}`" for i in ids[:limit])
    return shown + (f" … (+{len(ids) - limit})" if len(ids) > limit else "")


def render(summary: dict, plot: str | None) -> str:
    area = summary["served_area"]
    head = headline(summary)
    bullets = [
        f"- hit@1 **{_fmt(summary['answers']['hit@1'])}**, hit@3 **{_fmt(summary['answers']['hit@3'])}** "
        f"over {summary['answers']['n_labelled']} questions with labelled entries.",
        f"- No-answer rate on in-scope questions ({', '.join(IN_SCOPE)}): **{_fmt(summary['no_answer']['rate'])}** "
        f"of {summary['no_answer']['n_in_scope']}.",
        f"- Wrong side: **{_fmt(summary['wrong_side']['rate'])}** ({summary['wrong_side']['n_wrong']} of "
        f"{summary['wrong_side']['n_answered']} worker/employer questions that got an entry): "
        f"{_ids(summary['wrong_side']['ids'])}.",
        f"- other_legal answered from an unrelated in-scope entry: **{_fmt(summary['other_legal_unrelated']['rate'])}** "
        f"of {summary['other_legal_unrelated']['n']}: {_ids(summary['other_legal_unrelated']['ids'])}.",
        f"- Gap questions (label `none`) answered with an entry anyway: {_fmt(summary['gaps_answered']['rate'])} "
        f"of {summary['gaps_answered']['n']}.",
        "- Decisive reply kinds: " + ", ".join(f"{k} {v}" for k, v in summary["decisive_kinds"].items()) + ".",
    ]
    if summary["unmapped_kinds"]:
        bullets.append(f"- Reply kinds with no area mapping (shown as `unmapped`): {summary['unmapped_kinds']}.")
    if summary.get("unlabelled"):
        bullets.append(f"- Dev ids without a label: {_ids(summary['unlabelled'])}.")
    own = question_set(summary) == "own"
    what = "the own test set" if own else "the dev questions"
    command = "farun eval --real --own" if own else "farun eval --real"
    parts = [
        f"# What users got: {what} through the running stack (`{command}`, config `{summary['config']}`)",
        f"{summary['n']} questions from `{summary['dev_file']}` sent to `POST /api/chat` of {summary['api']} "
        f"({summary['when']}, {summary['seconds']} s, commit {summary.get('commit') or '?'}, "
        f"model {summary.get('model_mtime') or '?'}); labels `{summary['labels_file']}`. "
        f"Failed requests: {summary['errors']}. FARUN_* settings of the eval process (an own stack inherits them; "
        "a server given by --real-url has its own): "
        + (", ".join(f"`{k}={v}`" for k, v in summary.get("env", {}).items()) or "defaults")
        + ". The intent-only routing report (`farun eval`) is `eval.md` beside this file. "
        "Definitions: `api/evaluation/served.py`."
        + (
            " Own test set: paraphrase rows (`para-*`) carry entry labels; nlu_heldout rows (`nlu-*`) carry only "
            "an area and a side, so they count for the served area, no-answer, wrong side and other_legal, not "
            "for hit@k"
            + (
                f" ({summary['sources']['paraphrases']} paraphrases, {summary['sources']['nlu_heldout']} nlu_heldout)."
                if summary.get("sources")
                else "."
            )
            if own
            else ""
        ),
        "## Headline",
        table(["metric", "value"], [[k, _fmt(v)] for k, v in head.items()]),
        "## Served area",
        f"Accuracy **{_fmt(area['accuracy'])}**, macro-F1 over the dev areas **{_fmt(area['macro_f1'])}** "
        "(legal_services counts as right for other_legal questions; a did-you-mean counts by its first offer; "
        "a served entry the label lists is right whatever its area).",
        table(
            ["dev area", "precision", "recall", "F1", "support"],
            [[a, *(_fmt(m[k]) for k in ("precision", "recall", "f1", "support"))] for a, m in area["per_area"].items()],
        ),
        "Confusion (rows: dev area; columns: served area, raw):\n\n"
        + table(
            ["", *area["confusion"]["columns"]],
            [[row, *values] for row, values in zip(area["confusion"]["rows"], area["confusion"]["matrix"])],
        ),
        "## Per dev area",
        table(
            [
                "dev area",
                "n",
                "served-area recall",
                "labelled",
                "hit@1",
                "hit@3",
                "no answer (in scope)",
                "did-you-mean",
            ],
            [
                [
                    a,
                    m["n"],
                    *(
                        _fmt(m[k])
                        for k in ("served_area_recall", "labelled", "hit@1", "hit@3", "no_answer", "did_you_mean")
                    ),
                ]
                for a, m in summary["per_area"].items()
            ],
        ),
        "## Answers, sides, referrals",
        "\n".join(bullets),
    ]
    parts.append(
        "Per-question records (ids, kinds, served and offered entry ids): "
        f"`{_stem(question_set(summary))}_details.jsonl`."
    )
    if plot:
        parts.append(f"![served-area recall and no-answer rate per dev area]({plot})")
    return "\n\n".join(parts) + "\n"


def _write_lines(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def write(summary: dict, records: list[dict], out_dir: Path) -> dict[str, str]:
    """Write the run (JSON), its details (JSON lines), the plot and ``eval_real.md`` (``eval_real_own*`` for an
    own-test-set run); their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = _stem(question_set(summary))
    files = {
        "report": str(out_dir / f"{stem}.md"),
        "run": str(run_path(out_dir, summary["config"])),
        "details": str(out_dir / f"{stem}_details.jsonl"),
        "run_details": str(details_path(out_dir, summary["config"])),
        "plot": str(plots.served_areas(summary, out_dir / f"{stem}_areas.png")),
    }
    _write_lines(Path(files["details"]), records)
    _write_lines(Path(files["run_details"]), records)
    Path(files["report"]).write_text(render(summary, Path(files["plot"]).name), encoding="utf-8")
    Path(files["run"]).write_text(
        json.dumps({**summary, "files": files}, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return files


# ---------------------------------------------------------------- before/after


def saved_runs(out_dir: Path, only: str | None = None) -> list[str]:
    """Config names of the runs saved in ``out_dir``, oldest first; ``only="dev"`` or ``"own"``: of that
    question set only."""
    names = []
    for path in sorted(Path(out_dir).glob(f"{RUN_PREFIX}*.json"), key=lambda p: p.stat().st_mtime):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if isinstance(data, dict) and data.get("config") and "served_area" in data:
            if only is None or question_set(data) == only:
                names.append(data["config"])
    return names


def load_run(out_dir: Path, config: str) -> tuple[dict, dict[str, dict]]:
    path = run_path(out_dir, config)
    if not path.exists():
        raise FileNotFoundError(f"no saved run {config!r}: {path} (run `farun eval --real --config {config}` first)")
    summary = json.loads(path.read_text(encoding="utf-8"))
    details = details_path(out_dir, config)
    records = {}
    if details.exists():
        for line in details.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                records[record["id"]] = record
    return summary, records


def changes(before: dict[str, dict], after: dict[str, dict]) -> dict:
    """Question ids whose verdicts changed from one run to another (common ids only)."""
    common = [i for i in before if i in after]

    def moved(key: str, good: bool) -> dict:
        gained = [i for i in common if before[i][key] is not None and before[i][key] != good and after[i][key] == good]
        lost = [i for i in common if before[i][key] == good and after[i][key] is not None and after[i][key] != good]
        return {"gained": gained, "lost": lost}

    return {
        "n_common": len(common),
        "hit@1": moved("hit1", True),
        "served_area": moved("area_ok", True),
        "answered": moved("no_answer", False),
        "right_side": moved("wrong_side", False),
    }


def compare(configs: list[str], out_dir: Path) -> dict:
    """The saved runs side by side (``eval_real_compare.md``; ``eval_real_own_compare.md`` when all are own-test-set
    runs) and, against the first, what changed (for runs of the first's question set)."""
    out_dir = Path(out_dir)
    if not configs:
        raise ValueError(f"no saved runs in {out_dir}: run `farun eval --real --config NAME` first")
    runs = {name: load_run(out_dir, name) for name in dict.fromkeys(configs)}
    heads = {name: headline(summary) for name, (summary, _) in runs.items()}
    metrics = list(next(iter(heads.values())))
    rows = [[metric, *(_fmt(heads[name].get(metric)) for name in runs)] for metric in metrics]
    first, (first_summary, base) = next(iter(runs.items()))
    sets = {question_set(summary) for summary, _ in runs.values()}
    own = sets == {"own"}
    moved = {
        name: changes(base, records)
        for name, (summary, records) in list(runs.items())[1:]
        if base and records and question_set(summary) == question_set(first_summary)
    }
    parts = [
        "# Served-answer runs side by side (`farun eval --real "
        + ("--own " if own else "")
        + "--compare`)"
        + ("" if len(sets) == 1 else ": dev and own-test-set runs mixed; changes only between runs of the first's set"),
        table(["metric", *runs], rows),
        "Settings: "
        + "; ".join(
            f"`{name}`: {summary.get('api')}, commit {summary.get('commit')}, "
            + (", ".join(f"`{k}={v}`" for k, v in summary.get("env", {}).items()) or "defaults")
            for name, (summary, _) in runs.items()
        ),
    ]
    for name, change in moved.items():
        parts.append(f"## `{first}` → `{name}` ({change['n_common']} common questions)")
        parts.append(
            table(
                ["verdict", "gained", "lost", "gained ids", "lost ids"],
                [
                    [key, len(m["gained"]), len(m["lost"]), _ids(m["gained"], 15), _ids(m["lost"], 15)]
                    for key, m in change.items()
                    if key != "n_common"
                ],
            )
        )
    report = out_dir / f"{_stem('own' if own else 'dev')}_compare.md"
    report.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return {"configs": list(runs), "metrics": heads, "changes": moved, "report": str(report)}
