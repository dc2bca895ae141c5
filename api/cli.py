"""``farun``: the command-line tool for the knowledge base, retrieval and the running bot.

Sub-commands: ``run`` (the whole stack on loopback), ``ask`` (through the
running API), ``search`` (in-process retrieval), ``index build``,
``statute``, ``kb validate``, ``kb stats``, ``kb overlaps`` (entries answering nearly the same question),
``kb export`` (``--yaml DIR``: the
published entries from the database; ``--format csv|xlsx --out FILE``: as a
spreadsheet), ``kb import`` (a spreadsheet, through the review workflow),
``eval``, ``bench``, ``admin create`` and ``handoffs purge`` (call-back phones older than 30 days).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

from api.curation.commands import (
    add_admin_parser,
    add_kb_spreadsheet_options,
    export_published_yaml,
    export_spreadsheet_file,
)
from api.curation.handoffs import add_handoffs_parser
from knowledge_base.loader import ENTRIES_DIR, load_knowledge_base
from knowledge_base.numerals import parse_article
from knowledge_base.schema import Collection
from knowledge_base.service_data import service_problems
from knowledge_base.statutes import default_corpus
from knowledge_base.validator import validate


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def cmd_kb_validate(args: argparse.Namespace) -> int:
    kb = load_knowledge_base(args.root)
    problems = validate(kb, default_corpus(), guide_complete=not args.partial_guide)
    service_citations, service_problems_found = service_problems(default_corpus())
    problems += service_problems_found
    if args.only:
        problems = [p for p in problems if p.where.startswith(args.only)]
    for problem in problems:
        print(f"✗ {problem}", file=sys.stderr)
    citations = sum(len(entry.citations) for entry in kb.entries)
    print(
        f"{len(kb.entries)} entries, {citations} citations checked, "
        f"{service_citations} citations in knowledge_base/services checked, {len(problems)} problems"
    )
    return 1 if problems else 0


def _law_short_name(name: str) -> str:
    law = default_corpus().find(name)
    return law.short_name if law else name


def cmd_kb_stats(args: argparse.Namespace) -> int:
    kb = load_knowledge_base(args.root)
    guide = [e for e in kb.entries if e.collection is Collection.GUIDE]
    stats = {
        "entries": len(kb.entries),
        "per_area": dict(Counter(e.area.value for e in kb.entries)),
        "guide_issues": len(kb.issues),
        "guide_items": len(guide),
        "guide_items_per_issue": {str(k): v for k, v in sorted(Counter(e.issue for e in guide).items())},
        "citations": sum(len(e.citations) for e in kb.entries),
        "citations_per_law": dict(
            Counter(_law_short_name(c.law) for e in kb.entries for c in e.citations).most_common()
        ),
    }
    _print_json(stats)
    return 0


def cmd_kb_overlaps(args: argparse.Namespace) -> int:
    """Pairs of same-area entries with near-paraphrase phrasings, per area and closest first (a merge worklist)."""
    from knowledge_base.retrieval.overlaps import overlaps
    from knowledge_base.retrieval.pipeline import Retriever

    entries = load_knowledge_base(args.root).entries
    found = overlaps(Retriever(entries, second_embedder=None), args.threshold)
    per_area = Counter(entry.area.value for entry in entries)
    involved = Counter(area for area, _ in {(o.area, e) for o in found for e in (o.first, o.second)})
    for area, count in per_area.most_common():
        print(f"{area}: {count} entries, {involved[area]} in {sum(o.area == area for o in found)} overlapping pairs")
    for overlap in found[: args.limit]:
        print(
            f"{overlap.score:.3f}  {overlap.first} 「{overlap.first_text}」  ~  {overlap.second} 「{overlap.second_text}」"
        )
    return 0


def cmd_kb_export(args: argparse.Namespace) -> int:
    if args.yaml:
        return export_published_yaml(args.yaml)
    if args.format:
        if args.out is None:
            print("--format 需要同时给出 --out 文件", file=sys.stderr)
            return 2
        return export_spreadsheet_file(args.format, args.out, args.all)
    for entry in load_knowledge_base(args.root).entries:
        print(json.dumps(entry.to_record(), ensure_ascii=False))
    return 0


def cmd_statute(args: argparse.Namespace) -> int:
    law = default_corpus().find(args.law)
    if law is None:
        print(f"未找到法律：{args.law}", file=sys.stderr)
        return 1
    try:
        text = law.article(args.article)
    except ValueError:
        text = None
    if text is None:
        print(f"《{law.title}》中没有{args.article}", file=sys.stderr)
        return 1
    print(f"《{law.title}》{parse_article(args.article).label()}\n{text}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from actions.render import citations
    from knowledge_base.retrieval.pipeline import Retriever

    retriever = Retriever(load_knowledge_base().entries)
    result = retriever.search(args.question, args.collection, k=args.k)
    hits = [
        {
            "id": h.entry.id,
            "title": h.entry.title,
            "collection": h.entry.collection.value,
            "area": h.entry.area.value,
            "score": round(h.score, 5),
            "dense": round(h.dense, 4),
            "keyword": round(h.keyword, 3),
            "citations": citations(h.entry),
        }
        for h in result.hits
    ]
    if args.json:
        _print_json({"query": result.query, "confident": result.confident, "ambiguous": result.ambiguous, "hits": hits})
    else:
        for hit in hits:
            print(f"{hit['dense']:.3f}  {hit['id']:<32} {hit['title']}")
        print("（置信）" if result.confident else "（不确定，将转介）")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    import httpx

    try:
        response = httpx.post(
            f"{args.url}/api/chat", json={"sender": args.sender, "message": args.question}, timeout=60
        )
    except httpx.HTTPError as exc:
        print(f"无法连接 {args.url}：{exc}。请先运行 make run。", file=sys.stderr)
        return 2
    if response.status_code != 200:
        print(f"HTTP {response.status_code}: {response.text}", file=sys.stderr)
        return 1
    data = response.json()
    if args.json:
        data["entry_ids"] = [i for reply in data["replies"] for i in reply["entry_ids"]]
        data["citations"] = [c for reply in data["replies"] for c in reply["citations"]]
        _print_json(data)
    else:
        for reply in data["replies"]:
            print(reply["text"])
            for number, button in enumerate(reply["buttons"], 1):
                print(f"  {number}. {button['title']}")
    return 0


def cmd_fit_ranker(args: argparse.Namespace) -> int:
    from api.evaluation.fit_ranker import collect, fit
    from api.evaluation.routing import RasaNLU
    from knowledge_base.retrieval.pipeline import Retriever

    retriever = Retriever(load_knowledge_base().entries)
    with RasaNLU() as nlu:
        questions = collect(retriever, nlu)
    ranker, report = fit(questions)
    if not args.dry_run:
        ranker.save()
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


def cmd_index_build(args: argparse.Namespace) -> int:
    import time

    from knowledge_base.retrieval.pipeline import Retriever

    started = time.perf_counter()
    retriever = Retriever(load_knowledge_base().entries)
    sizes = {c.value: len(index.rows) for c, index in retriever.collections.items()}
    print(f"index ready in {time.perf_counter() - started:.1f}s, phrasings per collection: {sizes}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    import logging
    import signal
    import time

    from api.stack import SERVICES, Stack
    from knowledge_base.settings import log_dir

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")  # restarts, on stderr
    names = tuple(args.only or SERVICES)
    token = {"token": os.environ["FARUN_RASA_TOKEN"]} if os.environ.get("FARUN_RASA_TOKEN") else {}
    stack = Stack(
        rasa_port=args.rasa_port,
        action_port=args.action_port,
        api_port=args.port,
        names=names,
        supervised=True,
        **token,
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # run the finally below on `kill` too
    started = time.perf_counter()
    try:
        stack.start()
        print(f"法润 ({', '.join(names)}) is up in {time.perf_counter() - started:.1f}s", flush=True)
        if "api" in names:
            print(f"{stack.api_url}  (API docs: {stack.api_url}/docs)", flush=True)
        print(f"Crashed or stuck processes are restarted (logs in {log_dir()}); Ctrl-C stops them all.", flush=True)
        while True:
            signal.pause()
    except KeyboardInterrupt:
        return 0
    finally:
        stack.stop()


def cmd_retention(args: argparse.Namespace) -> int:
    from api import retention
    from api.settings import get_settings
    from knowledge_base.store.db import open_database

    settings = get_settings()
    database = open_database()
    try:
        purged = retention.run(
            settings.tracker_store_url,
            args.days if args.days is not None else settings.tracker_retention_days,
            database,
            args.turn_days if args.turn_days is not None else settings.turn_retention_days,
        )
    finally:
        database.close()
    print(f"deleted {purged.conversations} idle conversations ({purged.events} events) and {purged.turns} old turns")
    return 0


def cmd_eval_real(args: argparse.Namespace) -> int:
    """``eval --real``: the dev questions (``--own``: the own test set) through the whole stack (own, or
    ``--real-url``); ``--compare``: saved runs (``--own``: of the own test set, names suffixed ``-own``)."""
    from api.evaluation import served, served_report
    from api.evaluation.suite import REPORT_DIR

    out = Path(args.out or REPORT_DIR)
    if args.own and (args.dev or args.labels):
        print("eval --real --own reads tests/data/paraphrases and nlu_heldout: no --dev or --labels", file=sys.stderr)
        return 2
    try:
        result = {}
        if (args.real or args.real_url) and args.own:
            result = served.run_own(out_dir=out, config=args.config, api_url=args.real_url, limit=args.limit)
        elif args.real or args.real_url:
            result = served.run_real(
                Path(args.dev or served.DEFAULT_DEV),
                Path(args.labels or served.DEFAULT_LABELS),
                out,
                args.config,
                api_url=args.real_url,
                limit=args.limit,
            )
        if args.compare is not None:
            if args.own:
                names = [served.own_config(n) for n in args.compare] or served_report.saved_runs(out, "own")
            else:
                names = args.compare or served_report.saved_runs(out, "dev")
            if result and result["config"] not in names:
                names.append(result["config"])
            comparison = served_report.compare(names, out)
            result = {"run": result, "compare": comparison} if result else comparison
    except (OSError, ValueError, RuntimeError) as exc:
        print(f"eval --real failed: {exc}", file=sys.stderr)
        return 1
    _print_json(result)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    if args.own and not (args.real or args.real_url or args.compare is not None):
        print("--own goes with --real, --real-url or --compare", file=sys.stderr)
        return 2
    if args.real or args.real_url or args.compare is not None:
        return cmd_eval_real(args)
    from api.evaluation.routing import DEFAULT_FILE
    from api.evaluation.suite import REPORT_DIR, run_eval

    try:
        summary = run_eval(
            [Path(f) for f in args.file or [DEFAULT_FILE]],
            Path(args.out or REPORT_DIR),
            with_routing=not args.no_routing,
        )
    except (OSError, ValueError, RuntimeError) as exc:
        print(f"eval failed: {exc}", file=sys.stderr)
        return 1
    _print_json(summary)
    return 0


def _entries_dir(value: str) -> Path:
    path = Path(value)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"知识库目录不存在：{value}")
    return path


def cmd_bench(args: argparse.Namespace) -> int:
    from api.evaluation.suite import REPORT_DIR

    try:
        if args.queue:
            from api.evaluation.queue_bench import SIZES, run_queue_bench

            summary = run_queue_bench(Path(args.out or REPORT_DIR), tuple(args.size or SIZES))
        else:
            from api.evaluation.bench import SIZES, run_bench

            summary = run_bench(Path(args.out or REPORT_DIR), tuple(args.size or SIZES))
    except (OSError, RuntimeError) as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    _print_json(summary)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="farun", description="法润 legal-consultation assistant")
    sub = parser.add_subparsers(dest="command", required=True)

    kb = sub.add_parser("kb", help="knowledge-base tools").add_subparsers(dest="kb_command", required=True)
    validate_parser = kb.add_parser("validate", help="check citations, quotes, ids and the guide's shape")
    validate_parser.add_argument("--partial-guide", action="store_true", help="skip the 68-issue/169-item check")
    validate_parser.add_argument("--only", metavar="ID_PREFIX", help="report only problems of these entries")
    validate_parser.set_defaults(func=cmd_kb_validate)
    kb.add_parser("stats", help="entries per area, guide items per issue, citations").set_defaults(func=cmd_kb_stats)
    overlap = kb.add_parser("overlaps", help="same-area entries whose phrasings are near-paraphrases (to merge)")
    overlap.add_argument("--threshold", type=float, default=0.9, help="cosine of the closest phrasings (default 0.9)")
    overlap.add_argument("--limit", type=int, default=50, help="pairs listed, closest first (default 50)")
    overlap.set_defaults(func=cmd_kb_overlaps)
    export = kb.add_parser("export", help="every entry as JSON lines; --yaml DIR or --format csv|xlsx: the database")
    export.add_argument("--yaml", type=Path, metavar="DIR", help="write the database's published entries to DIR")
    export.set_defaults(func=cmd_kb_export)
    for kb_parser in kb.choices.values():
        kb_parser.add_argument(
            "--root",
            type=_entries_dir,
            default=ENTRIES_DIR,
            metavar="PATH",
            help="entries folder (default: knowledge_base/entries)",
        )
    add_kb_spreadsheet_options(export, kb)
    add_admin_parser(sub)
    add_handoffs_parser(sub)
    ask = sub.add_parser("ask", help="ask the running bot through the API")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true")
    ask.add_argument("--sender", default="cli")
    ask.add_argument("--url", default=os.environ.get("FARUN_API_URL", "http://127.0.0.1:8000"))
    ask.set_defaults(func=cmd_ask)

    search = sub.add_parser("search", help="in-process hybrid retrieval")
    search.add_argument("question")
    search.add_argument("--collection", choices=[c.value for c in Collection])
    search.add_argument("-k", type=int, default=5)
    search.add_argument("--json", action="store_true")
    search.set_defaults(func=cmd_search)

    run = sub.add_parser(
        "run", help="start Rasa, the action server and the API on loopback; restart any that crashes or hangs"
    )
    run.add_argument("--port", type=int, default=8000, help="API port")
    run.add_argument("--rasa-port", type=int, default=5005)
    run.add_argument("--action-port", type=int, default=5055)
    run.add_argument(
        "--only",
        action="append",
        choices=("rasa", "actions", "api"),
        help="run and supervise only this one (repeatable; one systemd unit each, see deploy/)",
    )
    run.set_defaults(func=cmd_run)

    fit_ranker = sub.add_parser(
        "fit-ranker", help="fit the learned ranker and its answer/offer thresholds on the project's own questions"
    )
    fit_ranker.add_argument("--dry-run", action="store_true", help="report only, keep ranker.json")
    fit_ranker.set_defaults(func=cmd_fit_ranker)
    index = sub.add_parser("index", help="retrieval index").add_subparsers(dest="index_command", required=True)
    index.add_parser("build", help="build (or load, if unchanged) the FAISS index").set_defaults(func=cmd_index_build)

    evaluate = sub.add_parser("eval", help="routing and retrieval quality report under reports/")
    evaluate.add_argument("--file", action="append", help="labelled {text, area} JSON lines (repeatable)")
    evaluate.add_argument("--out", help="report directory (default reports/)")
    evaluate.add_argument("--no-routing", action="store_true", help="skip routing (no Rasa needed)")
    evaluate.add_argument(
        "--real", action="store_true", help="what users got: the dev questions through the whole stack (eval_real.md)"
    )
    evaluate.add_argument("--real-url", metavar="URL", help="with --real: use this running API instead of starting one")
    evaluate.add_argument(
        "--dev", metavar="PATH", help="dev questions {id, text, area} (default ../shared/eval/real_questions_dev.jsonl)"
    )
    evaluate.add_argument(
        "--labels", metavar="PATH", help="dev entry labels (default tests/data/real_dev_labels.jsonl)"
    )
    evaluate.add_argument(
        "--own",
        action="store_true",
        help="with --real/--compare: the own test set (tests/data/paraphrases + nlu_heldout) instead of the dev set; "
        "runs are saved as NAME-own (eval_real_NAME-own.json, report eval_real_own.md)",
    )
    evaluate.add_argument("--config", default="default", metavar="NAME", help="name of this --real run (saved as such)")
    evaluate.add_argument(
        "--compare",
        nargs="*",
        metavar="NAME",
        help="saved --real runs side by side (no names: all saved; with --real: this run too)",
    )
    evaluate.add_argument(
        "--limit", type=int, metavar="N", help="with --real: only the first N questions (a smoke run)"
    )
    evaluate.set_defaults(func=cmd_eval)

    bench = sub.add_parser("bench", help="latency, throughput, memory and index scaling report under reports/")
    bench.add_argument("--out", help="report directory (default reports/)")
    bench.add_argument(
        "--size", type=int, action="append", help="synthetic index size, or with --queue open questions (repeatable)"
    )
    bench.add_argument(
        "--queue", action="store_true", help="only the unanswered-queue page at volume, in-process (bench_queue.md)"
    )
    bench.set_defaults(func=cmd_bench)

    retention = sub.add_parser(
        "retention", help="delete conversations idle > 30 days from Rasa's tracker store and turns older than a year"
    )
    retention.add_argument("--days", type=float, help="conversation idle days (default FARUN_TRACKER_RETENTION_DAYS)")
    retention.add_argument("--turn-days", type=float, help="turn log days (default FARUN_TURN_RETENTION_DAYS)")
    retention.set_defaults(func=cmd_retention)

    statute = sub.add_parser("statute", help="print an article: farun statute 劳动合同法 82")
    statute.add_argument("law")
    statute.add_argument("article")
    statute.set_defaults(func=cmd_statute)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
