"""``farun``: the command-line tool for the knowledge base, retrieval and the running bot.

Sub-commands: ``ask`` (through the running API), ``search`` (in-process
retrieval), ``kb validate``, ``kb stats`` and ``kb export``.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter

from knowledge_base.loader import load_knowledge_base
from knowledge_base.numerals import parse_article
from knowledge_base.schema import Collection
from knowledge_base.statutes import default_corpus
from knowledge_base.validator import validate


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def cmd_kb_validate(args: argparse.Namespace) -> int:
    kb = load_knowledge_base()
    problems = validate(kb, default_corpus(), guide_complete=not args.partial_guide)
    if args.only:
        problems = [p for p in problems if p.where.startswith(args.only)]
    for problem in problems:
        print(f"✗ {problem}", file=sys.stderr)
    citations = sum(len(entry.citations) for entry in kb.entries)
    print(f"{len(kb.entries)} entries, {citations} citations checked, {len(problems)} problems")
    return 1 if problems else 0


def cmd_kb_stats(args: argparse.Namespace) -> int:
    kb = load_knowledge_base()
    guide = [e for e in kb.entries if e.collection is Collection.GUIDE]
    stats = {
        "entries": len(kb.entries),
        "per_area": dict(Counter(e.area.value for e in kb.entries)),
        "guide_issues": len(kb.issues),
        "guide_items": len(guide),
        "guide_items_per_issue": {str(k): v for k, v in sorted(Counter(e.issue for e in guide).items())},
        "citations": sum(len(e.citations) for e in kb.entries),
        "citations_per_law": dict(Counter(default_corpus().find(c.law).short_name if default_corpus().find(c.law)
                                          else c.law for e in kb.entries for c in e.citations).most_common()),
    }
    _print_json(stats)
    return 0


def cmd_kb_export(args: argparse.Namespace) -> int:
    for entry in load_knowledge_base().entries:
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="farun", description="法润 legal-consultation assistant")
    sub = parser.add_subparsers(dest="command", required=True)

    kb = sub.add_parser("kb", help="knowledge-base tools").add_subparsers(dest="kb_command", required=True)
    validate_parser = kb.add_parser("validate", help="check citations, quotes, ids and the guide's shape")
    validate_parser.add_argument("--partial-guide", action="store_true", help="skip the 68-issue/169-item check")
    validate_parser.add_argument("--only", metavar="ID_PREFIX", help="report only problems of these entries")
    validate_parser.set_defaults(func=cmd_kb_validate)
    kb.add_parser("stats", help="entries per area, guide items per issue, citations").set_defaults(func=cmd_kb_stats)
    kb.add_parser("export", help="every entry as JSON lines").set_defaults(func=cmd_kb_export)
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
