"""``farun eval``: run routing, retrieval and abstention, write reports/eval.md and plots, return the summary."""

from __future__ import annotations

from pathlib import Path

from api.evaluation import abstention, plots, report, retrieval_eval, routing
from api.stack import ROOT

REPORT_DIR = ROOT / "reports"


def run_eval(files: list[Path], out_dir: Path = REPORT_DIR, with_routing: bool = True) -> dict:
    from knowledge_base.loader import load_knowledge_base
    from knowledge_base.retrieval.pipeline import Retriever

    out_dir.mkdir(parents=True, exist_ok=True)
    summary: dict = {"routing": {}}
    pictures: dict[str, str] = {}
    if with_routing:
        for path in files:
            name = Path(path).stem
            summary["routing"][name], _ = routing.evaluate(Path(path))
            pictures[f"confusion_{name}"] = plots.confusion(
                summary["routing"][name], out_dir / f"eval_confusion_{name}.png", name
            ).name
    outcomes = retrieval_eval.run(Retriever(load_knowledge_base().entries), retrieval_eval.load_paraphrases())
    summary["retrieval"] = retrieval_eval.summarise(outcomes)
    pictures["hit_at_k"] = plots.hit_at_k(summary["retrieval"], out_dir / "eval_hit_at_k.png").name
    curve = abstention.curve(outcomes)
    summary["abstention"] = {"default": curve["default"], "best_separation": curve["best_separation"]}
    pictures["abstention"] = plots.abstention(curve, out_dir / "eval_abstention.png").name
    summary["report"] = str(report.write(summary, pictures, out_dir))
    return summary
