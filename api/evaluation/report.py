"""The Markdown report of ``farun eval``: routing, retrieval and abstention tables next to their plots."""

from __future__ import annotations

from pathlib import Path


def table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _routing_section(name: str, routing: dict, plot: str) -> str:
    per_area = [[area, m["precision"], m["recall"], m["f1"], m["support"]] for area, m in routing["per_area"].items()]
    labels = routing["confusion"]["labels"]
    confusion = [[labels[i], *row] for i, row in enumerate(routing["confusion"]["matrix"])]
    other = routing["other_legal"]
    return "\n\n".join(
        [
            f"### {name}: `{routing['file']}` ({routing['n']} sentences)",
            f"Accuracy **{routing['accuracy']:.3f}**, macro-F1 **{routing['macro_f1']:.3f}**.",
            table(["area", "precision", "recall", "F1", "support"], per_area),
            "Confusion matrix (rows: labelled, columns: predicted):\n\n" + table(["", *labels], confusion),
            f"other_legal questions: {other['n']}; referred (routed to other_legal) "
            f"**{other['referred']}**, routed to an unrelated topical area {other['answered_unrelated']}; "
            f"intents {other['intents']}.",
            f"![{name} confusion matrix]({plot})",
        ]
    )


def render(summary: dict, plots: dict[str, str]) -> str:
    parts = [
        "# Farun quality report (`make eval`)",
        "Routing maps Rasa intents to areas: wage_arrears, elderly_services and enterprise_risk to themselves; "
        "legal_services, out_of_scope and article_lookup to other_legal "
        "(a referral, a legal-services entry or a statute); "
        "greet, goodbye, thanks, bot_challenge, handoff, feedback, choose_entry and nlu_fallback to chitchat_or_noise.",
        "## Routing",
    ]
    for name, routing in summary["routing"].items():
        parts.append(_routing_section(name, routing, plots[f"confusion_{name}"]))
    parts.append("## Retrieval (paraphrase set)")
    rows = [
        [group, mode, m["hit@1"], m["hit@3"], m["hit@5"], m["mrr"], m["n"]]
        for group, modes in summary["retrieval"].items()
        for mode, m in modes.items()
    ]
    parts.append(table(["collection", "mode", "hit@1", "hit@3", "hit@5", "MRR", "n"], rows))
    parts.append(f"![hit@k]({plots['hit_at_k']})")
    curve = summary["abstention"]
    parts.append("## Abstention")
    parts.append(
        "Fused ranking; a query is answered when the top hit's dense cosine reaches the threshold. "
        "Precision: answered queries whose top hit is right. Separation: share of queries handled right "
        "(right top hit answered, wrong top hit abstained)."
    )
    marks = [
        ["configured (DEFAULT_THRESHOLD)", *curve["default"].values()],
        ["best separation", *curve["best_separation"].values()],
    ]
    parts.append(table(["", "threshold", "coverage", "precision", "separation"], marks))
    parts.append(f"![abstention curve]({plots['abstention']})")
    return "\n\n".join(parts) + "\n"


def write(summary: dict, plots: dict[str, str], directory: Path) -> Path:
    path = Path(directory) / "eval.md"
    path.write_text(render(summary, plots), encoding="utf-8")
    return path
