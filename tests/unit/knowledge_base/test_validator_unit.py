"""The validator on tiny knowledge bases written as YAML, on the real one, and through ``farun kb``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge_base.loader import EntryFileError, load_knowledge_base
from knowledge_base.schema import Collection
from knowledge_base.validator import check_guide_shape, validate

FARUN = Path(sys.executable).parent / "farun"
RECORD_FIELDS = {
    "id",
    "collection",
    "area",
    "title",
    "questions",
    "answer",
    "citations",
    "next_steps",
    "tags",
    "issue",
    "item",
}


def problems_of(root: Path, corpus) -> list[str]:
    return [str(problem) for problem in validate(load_knowledge_base(root), corpus, guide_complete=False)]


def test_valid_entries_pass(write_kb, faq_entries, corpus):
    root = write_kb(faq={"a.yml": faq_entries}, guide=[2, 3])
    kb = load_knowledge_base(root)
    assert len(kb.entries) == 8 and len(kb.issues) == 2
    assert problems_of(root, corpus) == []


def test_guide_items_numbered_by_position(write_kb, corpus):
    kb = load_knowledge_base(write_kb(guide=[2, 3]))
    guide = [(e.issue, e.item) for e in kb.entries if e.collection is Collection.GUIDE]
    assert guide == [(1, 1), (1, 2), (2, 1), (2, 2), (2, 3)]


@pytest.mark.parametrize(
    ("citation", "reason"),
    [
        ({"law": "不存在的法", "article": "第一条", "quote": "任意引用的文字"}, "法规“不存在的法”不在法条库中"),
        ({"law": "劳动合同法", "article": "第九百条", "quote": "任意引用的文字"}, "《劳动合同法》没有第九百条"),
        ({"law": "劳动合同法", "article": "第abc条", "quote": "任意引用的文字"}, "“第abc条”不是有效的条号"),
        (
            {"law": "劳动合同法", "article": "第三十条", "quote": "向劳动者按月足额支付劳动报酬"},
            "引文“向劳动者按月足额支付劳动报酬”不在《劳动合同法》第三十条中",
        ),
    ],
)
def test_broken_citation_is_a_problem(write_kb, faq_entries, corpus, citation, reason):
    faq_entries[0]["citations"].append(citation)
    problems = problems_of(write_kb(faq={"a.yml": faq_entries}), corpus)
    assert len(problems) == 1
    assert problems[0].startswith("wage-unpaid: ") and reason in problems[0]


def test_quote_whitespace_is_ignored(write_kb, faq_entries, corpus):
    faq_entries[0]["citations"][0]["quote"] = "向劳动者 及时足额\n支付劳动报酬"
    assert problems_of(write_kb(faq={"a.yml": faq_entries}), corpus) == []


def test_entry_without_citation_is_a_problem(write_kb, faq_entries, corpus):
    faq_entries[1]["citations"] = []
    assert problems_of(write_kb(faq={"a.yml": faq_entries}), corpus) == ["elderly-support: 没有法条引用"]


def test_duplicate_id_is_a_problem(write_kb, faq_entries, corpus):
    copy = {**faq_entries[0], "questions": ["完全不同的另一个问题", "第二个不同的问题", "第三个不同的问题"]}
    problems = problems_of(write_kb(faq={"a.yml": faq_entries, "b.yml": [copy]}), corpus)
    assert problems == ["wage-unpaid: 编号被使用了 2 次"]


def test_duplicate_question_across_entries_is_a_problem(write_kb, faq_entries, corpus):
    faq_entries[1]["questions"].append(" 老板拖欠 工资怎么办")
    problems = problems_of(write_kb(faq={"a.yml": faq_entries}), corpus)
    assert len(problems) == 1
    assert problems[0].startswith("elderly-support: ") and "与条目 wage-unpaid 重复" in problems[0]


def test_an_entry_with_fewer_than_three_questions_is_a_problem(write_kb, faq_entries, corpus):
    faq_entries[2]["questions"] = faq_entries[2]["questions"][:2]
    problems = problems_of(write_kb(faq={"a.yml": faq_entries}), corpus)
    assert problems == ["legal-aid-apply: 「用户问法」至少需要 3 条（现有 2 条）"]


def test_schema_error_names_file_and_entry(write_kb, faq_entries):
    del faq_entries[2]["answer"]
    with pytest.raises(EntryFileError, match="a.yml entry legal-aid-apply"):
        load_knowledge_base(write_kb(faq={"a.yml": faq_entries}))


def test_guide_shape(write_kb):
    kb = load_knowledge_base(write_kb(guide=[2, 3]))
    assert check_guide_shape(kb, issues=2, items=5) == []
    full = check_guide_shape(kb)
    assert any(str(p) == "指引: 共 5 条，应为 169 条" for p in full)
    assert any(p.where == "指引第68期" and "定义了 0 次" in p.message for p in full)
    assert any(p.where == "指引第3期" and "有 0 条" in p.message for p in full)


def test_guide_issue_with_too_many_or_few_items(write_kb):
    kb = load_knowledge_base(write_kb(guide=[1, 4]))
    problems = [str(p) for p in check_guide_shape(kb, issues=2, items=5)]
    assert problems == ["指引第1期: 有 1 条，应为 2–3 条", "指引第2期: 有 4 条，应为 2–3 条"]


def test_real_knowledge_base(kb, corpus):
    assert [str(p) for p in validate(kb, corpus)] == []
    guide = [e for e in kb.entries if e.collection is Collection.GUIDE]
    faq = [e for e in kb.entries if e.collection is Collection.FAQ]
    assert [issue.issue for issue in kb.issues] == list(range(1, 69))
    assert len(guide) == 169
    assert len(faq) >= 150
    assert all(len(entry.questions) >= 3 for entry in kb.entries)


def farun(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(FARUN), *args], capture_output=True, text=True, timeout=60)


def test_cli_validate_exit_codes(write_kb, faq_entries):
    good = farun("kb", "validate", "--partial-guide", "--root", str(write_kb(faq={"a.yml": faq_entries})))
    assert good.returncode == 0, good.stderr
    assert "3 entries" in good.stdout and "0 problems" in good.stdout
    faq_entries[0]["citations"][0]["article"] = "第九百条"
    bad = farun("kb", "validate", "--partial-guide", "--root", str(write_kb(faq={"a.yml": faq_entries})))
    assert bad.returncode == 1
    assert "wage-unpaid" in bad.stderr and "1 problems" in bad.stdout


def test_cli_rejects_a_missing_root(tmp_path):
    result = farun("kb", "validate", "--root", str(tmp_path / "missing"))
    assert result.returncode == 2
    assert "知识库目录不存在" in result.stderr


def test_cli_validate_checks_guide_shape_unless_partial(write_kb, faq_entries):
    root = write_kb(faq={"a.yml": faq_entries}, guide=[2, 3])
    assert farun("kb", "validate", "--root", str(root)).returncode == 1
    assert farun("kb", "validate", "--partial-guide", "--root", str(root)).returncode == 0


def test_cli_export_and_stats(write_kb, faq_entries):
    root = write_kb(faq={"a.yml": faq_entries}, guide=[2, 3])
    export = farun("kb", "export", "--root", str(root))
    assert export.returncode == 0, export.stderr
    records = [json.loads(line) for line in export.stdout.splitlines()]
    assert [r["id"] for r in records] == [e.id for e in load_knowledge_base(root).entries]
    for record in records:
        assert RECORD_FIELDS <= set(record)
    wage = next(r for r in records if r["id"] == "wage-unpaid")
    assert wage["answer"] == faq_entries[0]["answer"] and wage["issue"] is None
    assert wage["citations"] == faq_entries[0]["citations"]
    guide = next(r for r in records if r["id"] == "guide-02-3")
    assert (guide["collection"], guide["area"], guide["issue"], guide["item"]) == ("guide", "enterprise_risk", 2, 3)
    assert guide["answer"].startswith("【风险】")

    stats = farun("kb", "stats", "--root", str(root))
    assert stats.returncode == 0, stats.stderr
    data = json.loads(stats.stdout)
    assert data["entries"] == 8 and data["guide_issues"] == 2 and data["guide_items"] == 5
    assert data["guide_items_per_issue"] == {"1": 2, "2": 3}
    assert data["per_area"] == {"wage_arrears": 1, "elderly_services": 1, "legal_services": 1, "enterprise_risk": 5}
    assert data["citations"] == 8
    assert data["citations_per_law"] == {"劳动合同法": 6, "老年人权益保障法": 1, "法律援助法": 1}
