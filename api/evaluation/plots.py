"""PNG plots for the eval and bench reports (matplotlib, headless, English labels)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def _save(figure, path: Path) -> Path:
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def confusion(routing: dict, path: Path, title: str) -> Path:
    labels, matrix = routing["confusion"]["labels"], routing["confusion"]["matrix"]
    figure, axes = plt.subplots(figsize=(6.5, 5.5))
    image = axes.imshow(matrix, cmap="Blues")
    axes.set_xticks(range(len(labels)), labels, rotation=35, ha="right")
    axes.set_yticks(range(len(labels)), labels)
    axes.set_xlabel("predicted area")
    axes.set_ylabel("labelled area")
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            axes.text(
                j, i, value, ha="center", va="center", color="white" if value > max(map(max, matrix)) / 2 else "black"
            )
    axes.set_title(f"{title} (accuracy {routing['accuracy']:.2f}, macro-F1 {routing['macro_f1']:.2f})")
    figure.colorbar(image)
    return _save(figure, path)


def hit_at_k(retrieval: dict, path: Path) -> Path:
    groups = list(retrieval)
    modes = list(retrieval[groups[0]])
    metrics = ["hit@1", "hit@3", "hit@5", "mrr"]
    figure, axes = plt.subplots(1, len(groups), figsize=(4.5 * len(groups), 4), sharey=True)
    for ax, group in zip(axes, groups):
        width = 0.8 / len(modes)
        for n, mode in enumerate(modes):
            ax.bar(
                [m + n * width for m in range(len(metrics))],
                [retrieval[group][mode][k] for k in metrics],
                width,
                label=mode,
            )
        ax.set_xticks([m + width * (len(modes) - 1) / 2 for m in range(len(metrics))], metrics)
        ax.set_title(f"{group} (n={retrieval[group][modes[0]]['n']})")
        ax.set_ylim(0, 1)
    axes[0].legend()
    return _save(figure, path)


def abstention(curve: dict, path: Path) -> Path:
    points = [p for p in curve["points"] if p["precision"] is not None]
    figure, axes = plt.subplots(figsize=(6.5, 4.5))
    axes.plot([p["threshold"] for p in points], [p["precision"] for p in points], label="precision (top hit right)")
    axes.plot([p["threshold"] for p in points], [p["coverage"] for p in points], label="coverage (answered)")
    for name, p, style in (
        ("configured", curve["default"], "r--"),
        ("best separation", curve["best_separation"], "g:"),
    ):
        axes.axvline(p["threshold"], color=style[0], linestyle=style[1:], label=f"{name} {p['threshold']:.2f}")
    axes.set_xlabel("abstain threshold (dense cosine of the top hit)")
    axes.set_ylim(0, 1.02)
    axes.legend(loc="lower left")
    return _save(figure, path)


def scaling(rows: list[dict], path: Path) -> Path:
    figure, axes = plt.subplots(1, 3, figsize=(13, 4))
    for ax, key, label in zip(
        axes, ("build_s", "memory_mb", "query_ms"), ("build time (s)", "index memory (MB)", "query latency p50 (ms)")
    ):
        for kind in dict.fromkeys(r["kind"] for r in rows):
            mine = [r for r in rows if r["kind"] == kind]
            ax.plot([r["size"] for r in mine], [r[key] for r in mine], marker="o", label=kind)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("vectors (512-d)")
        ax.set_title(label)
    axes[0].legend()
    return _save(figure, path)


def latency(rows: list[dict], path: Path) -> Path:
    figure, axes = plt.subplots(figsize=(7, 4.5))
    names = [r["name"] for r in rows]
    for n, key in enumerate(("p50_ms", "p95_ms", "p99_ms")):
        axes.bar([i + n * 0.27 for i in range(len(rows))], [r[key] for r in rows], 0.27, label=key)
    axes.set_xticks([i + 0.27 for i in range(len(rows))], names, rotation=25, ha="right")
    axes.set_ylabel("ms")
    axes.legend()
    return _save(figure, path)


def served_areas(summary: dict, path: Path) -> Path:
    """``farun eval --real``: per dev area, the served-area recall and the no-answer rate."""
    per_area = summary["per_area"]
    areas = [a for a, m in per_area.items() if m["n"]]
    figure, axes = plt.subplots(figsize=(8, 4.5))
    series = (("served_area_recall", "served-area recall"), ("no_answer", "no-answer rate (in-scope areas)"))
    for n, (key, label) in enumerate(series):
        shown = [(i, per_area[a][key]) for i, a in enumerate(areas) if per_area[a][key] is not None]
        bars = axes.bar([i + (n - 0.5) * 0.38 for i, _ in shown], [v for _, v in shown], 0.38, label=label)
        axes.bar_label(bars, fmt="%.2f", fontsize=8)
    axes.set_xticks(range(len(areas)), [f"{a}\n(n={per_area[a]['n']})" for a in areas], fontsize=8)
    axes.set_ylim(0, 1.1)
    area = summary["served_area"]
    axes.set_title(
        f"{summary.get('config', '')}: served-area accuracy {area['accuracy'] or 0:.2f}, "
        f"macro-F1 {area['macro_f1'] or 0:.2f}"
    )
    axes.legend(loc="upper right")
    return _save(figure, path)
