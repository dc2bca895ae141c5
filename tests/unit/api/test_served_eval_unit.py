"""``farun eval --real`` scoring on invented questions, labels and API responses (no stack, no dev set).

Every id here is made up ("q1", "w-pay", ...); each metric is shown both passing and failing.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from api.cli import build_parser
from api.evaluation import served, served_report

FACTS = {
    "w-pay": {"area": "wage_arrears", "side": "worker"},
    "w-quit": {"area": "wage_arrears", "side": "worker"},
    "e-pay": {"area": "enterprise_risk", "side": "employer"},
    "e-ip": {"area": "enterprise_risk", "side": "employer"},
    "o-care": {"area": "elderly_services", "side": "older_person"},
    "l-aid": {"area": "legal_services", "side": "any"},
    "t-divorce": {"area": "other_topics", "side": "family"},
}


def choose(entry_id: str) -> dict:
    return {"title": "t", "payload": "/choose_entry" + json.dumps({"entry_id": entry_id})}


def reply(kind, entry_ids=(), buttons=()) -> dict:
    return {"text": "x", "kind": kind, "entry_ids": list(entry_ids), "buttons": list(buttons), "citations": []}


def response(*replies, intent="wage_arrears", confidence=0.9) -> dict:
    return {"sender": "s", "intent": intent, "confidence": confidence, "replies": list(replies)}


def run(rows: list[tuple], labels: dict | None = None):
    """rows: (id, dev area, response); labels by id."""
    dev = [{"id": qid, "area": area} for qid, area, _ in rows]
    responses = {qid: resp for qid, _, resp in rows}
    return served.score(labels or {}, dev, responses, FACTS)


def label(entries, side="other"):
    return {"entries": list(entries), "side": side}


# ---------------------------------------------------------------- one turn


def test_compact_keeps_ids_and_kinds_only_and_reads_entry_buttons():
    raw = response(reply("answer", ["w-pay"], [choose("w-quit"), {"title": "有用", "payload": "/feedback"}]))
    turn = served.compact(raw)
    assert turn == {
        "intent": "wage_arrears",
        "confidence": 0.9,
        "replies": [{"kind": "answer", "entry_ids": ["w-pay"], "offered": ["w-quit"]}],
    }
    assert "x" not in json.dumps(turn)  # no reply text survives
    assert served.compact(turn) == turn
    assert served.compact(None)["error"]


def test_served_area_by_priority_and_mapping():
    area = lambda *replies, intent="wage_arrears": served.served_area(  # noqa: E731
        served.compact(response(*replies, intent=intent)), FACTS
    )
    assert area(reply(None), reply("answer", ["o-care"])) == "elderly_services"
    assert area(reply("answer", ["t-divorce"])) == "other_legal"
    assert area(reply("answer", ["l-aid"])) == "legal_services"
    assert area(reply("did_you_mean", ["e-ip", "w-pay"], [choose("e-ip"), choose("w-pay")])) == "enterprise_risk"
    assert area(reply("referral", ["t-divorce"])) == "other_legal"
    assert area(reply("referral")) == "other_legal"
    assert area(reply("mediation_routing")) == "other_legal"
    assert area(reply("legal_aid_result")) == "other_legal"
    assert area(reply("menu"), intent="elderly_menu") == "elderly_services"
    assert area(reply("question"), intent="legal_aid_check") == "other_legal"
    for kind in ("rephrase", "abstain", "handoff", "unavailable", "empty"):
        assert area(reply(kind)) == "no_answer"
    assert area() == "no_answer"
    assert area(reply(None)) == "chitchat_or_noise"
    assert area(reply("brand_new_kind")) == "unmapped"
    assert area(reply("answer", ["not-in-kb"])) == "unmapped"


# ---------------------------------------------------------------- served area


def test_served_area_accuracy_macro_f1_recall_and_confusion():
    rows = [
        ("q1", "wage_arrears", response(reply("answer", ["w-pay"]))),
        ("q2", "wage_arrears", response(reply("answer", ["e-pay"]))),  # wrong area
        ("q3", "elderly_services", response(reply("rephrase"))),  # no answer
        ("q4", "other_legal", response(reply("answer", ["l-aid"]))),  # legal_services counts for other_legal
        ("q5", "other_legal", response(reply("referral"))),
        ("q6", "enterprise_risk", response(reply("did_you_mean", ["e-ip", "w-pay"]))),  # by its first offer
        ("q7", "chitchat_or_noise", response(reply(None), intent="greet")),
        ("q8", "wage_arrears", response(reply("answer", ["l-aid"]))),  # legal_services is wrong here
    ]
    summary, records = run(rows)
    assert [r["area_ok"] for r in records] == [True, False, False, True, True, True, True, False]
    area = summary["served_area"]
    assert area["accuracy"] == pytest.approx(5 / 8, abs=1e-4)
    assert area["per_area"]["wage_arrears"]["recall"] == pytest.approx(1 / 3, abs=1e-4)
    assert area["per_area"]["elderly_services"]["recall"] == 0.0
    assert area["per_area"]["other_legal"]["recall"] == 1.0
    assert area["per_area"]["enterprise_risk"]["precision"] == 0.5  # q2 served enterprise_risk too
    f1 = {"wage_arrears": 0.5, "elderly_services": 0.0, "enterprise_risk": 2 / 3, "other_legal": 1.0}
    f1["chitchat_or_noise"] = 1.0
    assert area["macro_f1"] == pytest.approx(sum(f1.values()) / 5, abs=1e-3)
    confusion = area["confusion"]
    matrix = {
        row: dict(zip(confusion["columns"], values)) for row, values in zip(confusion["rows"], confusion["matrix"])
    }
    assert matrix["wage_arrears"]["enterprise_risk"] == 1 and matrix["wage_arrears"]["legal_services"] == 1
    assert matrix["elderly_services"]["no_answer"] == 1 and matrix["other_legal"]["legal_services"] == 1
    assert "unmapped" not in confusion["columns"]
    assert summary["per_area"]["wage_arrears"]["served_area_recall"] == pytest.approx(1 / 3, abs=1e-4)


def test_a_labelled_entry_counts_as_the_right_area_whatever_its_area():
    rows = [("q1", "elderly_services", response(reply("answer", ["l-aid"])))]
    assert run(rows, {"q1": label(["l-aid"], "older_person")})[0]["served_area"]["accuracy"] == 1.0
    assert run(rows, {"q1": label(["o-care"], "older_person")})[0]["served_area"]["accuracy"] == 0.0


# ---------------------------------------------------------------- answers


def test_hit_at_1_and_hit_at_3_count_only_questions_with_labelled_entries():
    rows = [
        ("q1", "wage_arrears", response(reply("answer", ["w-pay"], [choose("w-quit")]))),  # hit@1
        ("q2", "wage_arrears", response(reply("answer", ["w-quit"], [choose("w-pay")]))),  # related button: hit@3
        ("q3", "wage_arrears", response(reply("did_you_mean", ["w-quit", "w-pay"]))),  # offered: hit@3 only
        ("q4", "wage_arrears", response(reply("answer", ["w-quit"]))),  # miss
        ("q5", "wage_arrears", response(reply("menu", [], [choose("w-pay")]), intent="wage_arrears")),  # menus miss
        ("q6", "enterprise_risk", response(reply("answer", ["e-ip"]))),  # label none: not counted
        ("q7", "other_legal", response(reply("referral", ["t-divorce"]))),  # orientation served in a referral
    ]
    labels = {f"q{n}": label(["w-pay"], "worker") for n in range(1, 6)}
    labels["q6"] = label(["none"], "employer")
    labels["q7"] = label(["t-divorce"], "family")
    summary, records = run(rows, labels)
    assert [r["hit1"] for r in records] == [True, False, False, False, False, None, True]
    assert [r["hit3"] for r in records] == [True, True, True, False, False, None, True]
    assert summary["answers"] == {"n_labelled": 6, "hit@1": pytest.approx(2 / 6, abs=1e-4), "hit@3": 0.6667}
    assert summary["gaps_answered"] == {"n": 1, "rate": 1.0}
    assert summary["per_area"]["wage_arrears"]["did_you_mean"] == 0.2


def test_no_answer_rate_is_over_in_scope_questions_only():
    rows = [
        ("q1", "wage_arrears", response(reply("answer", ["w-pay"]))),
        ("q2", "wage_arrears", response(reply("referral", ["t-divorce"]))),  # an in-scope question referred away
        ("q3", "elderly_services", response(reply("abstain"))),
        ("q4", "enterprise_risk", response(reply("did_you_mean", ["e-ip", "e-pay"]))),
        ("q5", "enterprise_risk", {"replies": [], "error": "HTTP 500"}),
        ("q6", "enterprise_risk", response()),  # an empty turn
        ("q7", "other_legal", response(reply("referral"))),  # out of scope: not counted
        ("q8", "chitchat_or_noise", response(reply("rephrase"))),  # not counted
    ]
    summary, records = run(rows)
    assert [r["no_answer"] for r in records][:6] == [False, True, True, False, True, True]
    assert summary["no_answer"] == {"n_in_scope": 6, "rate": pytest.approx(4 / 6, abs=1e-4)}
    assert summary["errors"] == 1
    assert summary["per_area"]["enterprise_risk"]["no_answer"] == pytest.approx(2 / 3, abs=1e-4)
    assert summary["per_area"]["other_legal"]["no_answer"] is None  # a referral is the right outcome there
    answered = [("q1", "wage_arrears", response(reply("answer", ["w-pay"])))]
    assert run(answered)[0]["no_answer"]["rate"] == 0.0


def test_wrong_side_rate_among_worker_and_employer_questions_that_got_an_entry():
    rows = [
        ("q1", "wage_arrears", response(reply("answer", ["e-pay"]))),  # worker asked, employer entry
        ("q2", "wage_arrears", response(reply("answer", ["w-pay"]))),
        ("q3", "enterprise_risk", response(reply("answer", ["w-quit"]))),  # employer asked, worker entry
        ("q4", "enterprise_risk", response(reply("answer", ["l-aid"]))),  # side any: never wrong
        ("q5", "wage_arrears", response(reply("rephrase"))),  # no entry: not counted
        ("q6", "elderly_services", response(reply("answer", ["e-pay"]))),  # side older_person: not counted
    ]
    labels = {
        "q1": label(["w-pay"], "worker"),
        "q2": label(["w-pay"], "worker"),
        "q3": label(["e-pay"], "employer"),
        "q4": label(["e-pay"], "employer"),
        "q5": label(["w-pay"], "worker"),
        "q6": label(["o-care"], "older_person"),
    }
    summary, _ = run(rows, labels)
    assert summary["wrong_side"] == {"n_answered": 4, "n_wrong": 2, "rate": 0.5, "ids": ["q1", "q3"]}
    fine = run(rows[1:2], {"q2": labels["q2"]})[0]
    assert fine["wrong_side"]["rate"] == 0.0


def test_other_legal_answered_from_an_unrelated_in_scope_entry():
    rows = [
        ("q1", "other_legal", response(reply("answer", ["w-pay"]))),  # unrelated
        ("q2", "other_legal", response(reply("answer", ["w-quit"]))),  # in scope but labelled: fine
        ("q3", "other_legal", response(reply("answer", ["t-divorce"]))),  # other_topics: fine
        ("q4", "other_legal", response(reply("answer", ["l-aid"]))),  # legal_services: fine
        ("q5", "other_legal", response(reply("referral"))),
        ("q6", "wage_arrears", response(reply("answer", ["e-pay"]))),  # not other_legal: not counted
    ]
    labels = {"q1": label(["refer"]), "q2": label(["w-quit"], "worker"), "q3": label(["t-divorce"], "family")}
    summary, _ = run(rows, labels)
    assert summary["other_legal_unrelated"] == {"n": 5, "rate": 0.2, "ids": ["q1"]}
    assert run(rows[1:5], labels)[0]["other_legal_unrelated"]["rate"] == 0.0


def test_unlabelled_ids_unmapped_kinds_and_empty_denominators_are_reported():
    summary, records = run([("q1", "chitchat_or_noise", response(reply("brand_new_kind")))])
    assert summary["unlabelled"] == ["q1"] and summary["unmapped_kinds"] == ["brand_new_kind"]
    assert summary["answers"]["hit@1"] is None and summary["no_answer"]["rate"] is None
    assert summary["wrong_side"]["rate"] is None and summary["other_legal_unrelated"]["rate"] is None
    assert set(records[0]) >= {"id", "area", "label", "side", "intent", "confidence", "kinds", "served", "offered"}


# ---------------------------------------------------------------- inputs, reports, compare, CLI


def test_loaders_check_their_rows(tmp_path):
    dev = tmp_path / "dev.jsonl"
    dev.write_text('{"id": "q1", "text": "t", "area": "wage_arrears"}\n{"id": "q2", "text": "t", "area": "x"}\n')
    with pytest.raises(ValueError, match="q2"):
        served.load_dev(dev)
    with pytest.raises(FileNotFoundError, match="--dev"):
        served.load_dev(tmp_path / "missing.jsonl")
    labels = tmp_path / "labels.jsonl"
    labels.write_text('{"id": "q1", "entries": ["w-pay"], "side": "worker"}\n')
    assert served.load_labels(labels) == {"q1": {"entries": ["w-pay"], "side": "worker", "gap": None}}
    entries = [
        SimpleNamespace(id="a", area=SimpleNamespace(value="wage_arrears"), side=SimpleNamespace(value="worker"))
    ]
    assert served.entry_facts(entries) == {"a": {"area": "wage_arrears", "side": "worker"}}
    with pytest.raises(ValueError):
        served.check_config("../x")


def _saved_run(tmp_path, config: str, rows, labels) -> dict:
    summary, records = run(rows, labels)
    summary = {
        "config": config,
        "when": "2026-01-01T00:00:00+00:00",
        "seconds": 1.0,
        "dev_file": "dev.jsonl",
        "labels_file": "labels.jsonl",
        "api": "own stack",
        "env": {"FARUN_ABSTAIN_THRESHOLD": "0.5"},
        "commit": "abc",
        "model_mtime": None,
        **summary,
    }
    summary["files"] = served_report.write(summary, records, tmp_path)
    return summary


def test_reports_hold_ids_only_and_compare_puts_runs_side_by_side(tmp_path):
    labels = {"q1": label(["w-pay"], "worker"), "q2": label(["e-ip"], "employer")}
    before = [
        ("q1", "wage_arrears", response(reply("rephrase"))),
        ("q2", "enterprise_risk", response(reply("answer", ["e-ip"]))),
    ]
    after = [
        ("q1", "wage_arrears", response(reply("answer", ["w-pay"]))),
        ("q2", "enterprise_risk", response(reply("answer", ["w-quit"]))),
    ]
    first = _saved_run(tmp_path, "base", before, labels)
    _saved_run(tmp_path, "tuned", after, labels)
    report = (tmp_path / "eval_real.md").read_text(encoding="utf-8")
    assert "config `tuned`" in report and "eval_real_areas.png" in report
    assert (tmp_path / "eval_real_areas.png").stat().st_size > 0
    details = [json.loads(line) for line in (tmp_path / "eval_real_details.jsonl").read_text().splitlines()]
    assert [d["id"] for d in details] == ["q1", "q2"] and "text" not in details[0]
    assert json.loads((tmp_path / "eval_real_base.json").read_text())["answers"] == first["answers"]
    assert served_report.saved_runs(tmp_path) == ["base", "tuned"]

    comparison = served_report.compare(["base", "tuned"], tmp_path)
    assert comparison["metrics"]["base"]["hit@1"] == 0.5 and comparison["metrics"]["tuned"]["hit@1"] == 0.5
    change = comparison["changes"]["tuned"]
    assert change["hit@1"] == {"gained": ["q1"], "lost": ["q2"]}
    assert change["answered"] == {"gained": ["q1"], "lost": []}
    assert change["right_side"] == {"gained": [], "lost": ["q2"]}
    table = (tmp_path / "eval_real_compare.md").read_text(encoding="utf-8")
    assert "| metric | base | tuned |" in table and "| no-answer rate (in scope) | 0.500 | 0.000 |" in table
    with pytest.raises(FileNotFoundError, match="missing"):
        served_report.compare(["missing"], tmp_path)


def test_cli_wires_the_real_flags():
    args = build_parser().parse_args(
        ["eval", "--real-url", "http://127.0.0.1:9", "--config", "no-side", "--compare", "base", "--limit", "5"]
    )
    assert (args.real, args.real_url, args.config, args.compare, args.limit) == (
        False,
        "http://127.0.0.1:9",
        "no-side",
        ["base"],
        5,
    )
    plain = build_parser().parse_args(["eval"])
    assert (plain.real, plain.real_url, plain.compare) == (False, None, None)
    assert build_parser().parse_args(["eval", "--compare"]).compare == []


def test_cli_compare_only_reads_saved_runs(tmp_path, capsys):
    from api.cli import main

    labels = {"q1": label(["w-pay"], "worker")}
    _saved_run(tmp_path, "base", [("q1", "wage_arrears", response(reply("answer", ["w-pay"])))], labels)
    assert main(["eval", "--compare", "--out", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out)["configs"] == ["base"]
    assert main(["eval", "--compare", "nothing", "--out", str(tmp_path)]) == 1


def test_without_a_trained_model_the_own_stack_is_not_started_and_says_make_train(tmp_path, monkeypatch):
    import api.stack

    monkeypatch.setattr(api.stack, "MODEL", tmp_path / "farun.tar.gz")
    monkeypatch.setattr(api.stack.Stack, "start", lambda self: pytest.fail("the stack must not start"))
    with pytest.raises(RuntimeError, match="make train"):
        with served.running_api(None):
            pass
    with served.running_api("http://127.0.0.1:9/") as url:
        assert url == "http://127.0.0.1:9"


# ---------------------------------------------------------------- own test set


def _write_lines(path, rows) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows) + "\n", encoding="utf-8")


def _own_files(tmp_path):
    para, nlu = tmp_path / "paraphrases", tmp_path / "nlu_heldout"
    para.mkdir()
    nlu.mkdir()
    # b.jsonl is written first: files are read in name order, lines in file order
    _write_lines(
        para / "b.jsonl",
        [
            {"query": "p3", "ids": ["l-aid"], "collection": "faq"},
            {"query": "p4", "ids": ["t-divorce", "w-pay"], "collection": "faq"},
        ],
    )
    _write_lines(
        para / "a.jsonl",
        [
            {"query": "p1", "ids": ["w-pay", "w-quit"], "collection": "faq"},
            {"query": "p2", "ids": ["o-care"], "collection": "guide"},
        ],
    )
    _write_lines(
        nlu / "x.jsonl",
        [
            {"text": "n1", "intent": "enterprise_risk", "side": "employer"},
            {"text": "n2", "intent": "out_of_scope", "side": "family"},
            {"text": "n3", "intent": "legal_services", "side": "any"},
        ],
    )
    return para, nlu


def test_load_own_builds_rows_and_labels_from_paraphrases_and_nlu_heldout(tmp_path):
    para, nlu = _own_files(tmp_path)
    rows, labels = served.load_own(para, nlu, FACTS)
    assert rows == [
        {"id": "para-0001", "text": "p1", "area": "wage_arrears"},
        {"id": "para-0002", "text": "p2", "area": "elderly_services"},
        {"id": "para-0003", "text": "p3", "area": "other_legal"},
        {"id": "para-0004", "text": "p4", "area": "other_legal"},
        {"id": "nlu-0001", "text": "n1", "area": "enterprise_risk"},
        {"id": "nlu-0002", "text": "n2", "area": "other_legal"},
        {"id": "nlu-0003", "text": "n3", "area": "other_legal"},
    ]
    assert labels["para-0001"] == {"entries": ["w-pay", "w-quit"], "side": "worker", "gap": None}
    assert labels["para-0002"]["side"] == "older_person"
    assert labels["para-0003"]["side"] == "other"  # the entry's side "any"
    assert labels["para-0004"] == {"entries": ["t-divorce", "w-pay"], "side": "family", "gap": None}
    assert labels["nlu-0001"] == {"entries": [], "side": "employer", "gap": None}
    assert [labels[f"nlu-000{i}"]["side"] for i in (2, 3)] == ["family", "other"]
    assert served.load_own(para, nlu, FACTS) == (rows, labels)  # stable


def test_own_nlu_rows_count_for_area_no_answer_side_and_unrelated_but_not_hit_at_k(tmp_path):
    rows, labels = served.load_own(*_own_files(tmp_path), FACTS)
    responses = {
        "para-0001": response(reply("answer", ["w-quit"], [choose("w-pay")])),
        "para-0002": response(reply("rephrase")),
        "nlu-0001": response(reply("answer", ["w-pay"])),
        "nlu-0002": response(reply("answer", ["e-ip"])),
        "nlu-0003": response(reply("referral")),
    }
    summary, records = served.score(labels, [{"id": r["id"], "area": r["area"]} for r in rows], responses, FACTS)
    assert summary["unlabelled"] == []
    assert summary["answers"] == {"n_labelled": 4, "hit@1": 0.25, "hit@3": 0.25}
    by_id = {r["id"]: r for r in records}
    assert by_id["nlu-0001"]["hit1"] is None and by_id["nlu-0001"]["area_ok"] is False
    assert by_id["nlu-0003"]["area_ok"] is True
    assert summary["wrong_side"]["ids"] == ["nlu-0001"]
    assert summary["other_legal_unrelated"]["ids"] == ["nlu-0002"]
    assert summary["no_answer"] == {"n_in_scope": 3, "rate": 0.3333}


def test_load_own_checks_its_rows(tmp_path):
    para, nlu = _own_files(tmp_path)
    _write_lines(para / "c.jsonl", [{"query": "p", "ids": ["no-such-entry"]}])
    with pytest.raises(ValueError, match="no-such-entry"):
        served.load_own(para, nlu, FACTS)
    _write_lines(para / "c.jsonl", [{"query": "p", "ids": []}])
    with pytest.raises(ValueError, match="c.jsonl: row 1"):
        served.load_own(para, nlu, FACTS)
    (para / "c.jsonl").unlink()
    _write_lines(nlu / "y.jsonl", [{"text": "n", "intent": "greet", "side": "worker"}])
    with pytest.raises(ValueError, match="y.jsonl: row 1"):
        served.load_own(para, nlu, FACTS)
    with pytest.raises(FileNotFoundError, match="no \\*.jsonl"):
        served.load_own(tmp_path / "empty", nlu, FACTS)


def test_own_runs_are_saved_under_the_config_name_suffixed_own():
    assert served.own_config("base") == "base-own"
    assert served.own_config("base-own") == "base-own"
    assert served.own_config("a" * 60) == "a" * 60 + "-own"
    with pytest.raises(ValueError):
        served.own_config("a" * 61)
    with pytest.raises(ValueError):
        served.own_config("../x")


def test_run_own_writes_its_own_files_beside_the_dev_run(tmp_path, monkeypatch):
    from contextlib import contextmanager

    import knowledge_base.loader

    entries = [
        SimpleNamespace(id=i, area=SimpleNamespace(value=f["area"]), side=SimpleNamespace(value=f["side"]))
        for i, f in FACTS.items()
    ]
    monkeypatch.setattr(knowledge_base.loader, "load_knowledge_base", lambda: SimpleNamespace(entries=entries))

    @contextmanager
    def fake_api(url):
        yield "http://fake"

    asked = []

    def fake_ask(url, questions):
        asked.extend(q["id"] for q in questions)
        return {q["id"]: served.compact(response(reply("answer", ["w-pay"]))) for q in questions}

    monkeypatch.setattr(served, "running_api", fake_api)
    monkeypatch.setattr(served, "ask_all", fake_ask)
    out = tmp_path / "reports"
    _saved_run(out, "base", [("q1", "wage_arrears", response(reply("answer", ["w-pay"])))], {})
    dev_report = (out / "eval_real.md").read_text(encoding="utf-8")

    para, nlu = _own_files(tmp_path)
    summary = served.run_own(para, nlu, out, "base")
    assert summary["config"] == "base-own" and summary["question_set"] == "own"
    assert summary["sources"] == {"paraphrases": 4, "nlu_heldout": 3} and summary["n"] == 7 == len(asked)
    assert summary["answers"]["hit@1"] == 0.5  # para-0001 and para-0004 list w-pay
    saved = json.loads((out / "eval_real_base-own.json").read_text(encoding="utf-8"))
    assert saved["config"] == "base-own" and saved["files"]["report"].endswith("eval_real_own.md")
    report = (out / "eval_real_own.md").read_text(encoding="utf-8")
    assert "the own test set" in report and "config `base-own`" in report and "p1" not in report
    assert (out / "eval_real_base-own.details.jsonl").exists() and (out / "eval_real_own_details.jsonl").exists()
    assert (out / "eval_real.md").read_text(encoding="utf-8") == dev_report
    assert (out / "eval_real_base.json").exists()
    assert served_report.saved_runs(out, "own") == ["base-own"]
    assert served_report.saved_runs(out, "dev") == ["base"]
    assert served_report.saved_runs(out) == ["base", "base-own"]

    assert served.run_own(para, nlu, out, "base", limit=2)["n"] == 2


def test_cli_own_flag_runs_and_compares_the_own_set(tmp_path, monkeypatch, capsys):
    from api.cli import main

    args = build_parser().parse_args(["eval", "--real", "--own", "--config", "abl"])
    assert (args.real, args.own, args.config) == (True, True, "abl")
    assert build_parser().parse_args(["eval"]).own is False
    assert main(["eval", "--own"]) == 2
    assert main(["eval", "--real", "--own", "--dev", "x.jsonl"]) == 2

    calls = []
    monkeypatch.setattr(served, "run_own", lambda **kw: calls.append(kw) or {"config": served.own_config(kw["config"])})
    monkeypatch.setattr(served, "run_real", lambda *a, **kw: pytest.fail("the dev run must not start"))
    assert main(["eval", "--real", "--own", "--config", "abl", "--limit", "3", "--out", str(tmp_path)]) == 0
    assert calls == [{"out_dir": tmp_path, "config": "abl", "api_url": None, "limit": 3}]
    capsys.readouterr()

    labels = {"para-0001": label(["w-pay"], "worker")}
    before = [("para-0001", "wage_arrears", response(reply("rephrase")))]
    after = [("para-0001", "wage_arrears", response(reply("answer", ["w-pay"])))]
    for name, rows in (("base-own", before), ("abl-own", after)):
        _saved_run(tmp_path, name, rows, labels)
        run_file = tmp_path / f"eval_real_{name}.json"
        run_file.write_text(json.dumps({**json.loads(run_file.read_text()), "question_set": "own"}))
    _saved_run(tmp_path, "base", before, labels)
    assert main(["eval", "--own", "--compare", "base", "abl", "--out", str(tmp_path)]) == 0
    comparison = json.loads(capsys.readouterr().out)
    assert comparison["configs"] == ["base-own", "abl-own"]
    assert comparison["changes"]["abl-own"]["hit@1"]["gained"] == ["para-0001"]
    assert comparison["report"].endswith("eval_real_own_compare.md")
    assert main(["eval", "--own", "--compare", "--out", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out)["configs"] == ["base-own", "abl-own"]
    assert main(["eval", "--compare", "--out", str(tmp_path)]) == 0
    assert json.loads(capsys.readouterr().out)["configs"] == ["base"]
