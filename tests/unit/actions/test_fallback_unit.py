"""A message the NLU could not place is still searched when it has legal content; an unsure search asks again."""

from __future__ import annotations

from dataclasses import dataclass

from rasa_sdk.executor import CollectingDispatcher

from actions import answer, routing
from knowledge_base.schema import Area, Side
from tests.unit.actions.form_trackers import tracker


@dataclass
class FakeEntry:
    id: str = "labour-x"
    title: str = "测试条目"
    area: Area = Area.WAGE_ARREARS
    side: Side = Side.WORKER


def run_fallback(monkeypatch, text: str, decision: routing.Decision | None) -> tuple[list, list]:
    sent = []
    monkeypatch.setattr(answer, "decision_for", lambda tracker_, origin: decision)
    monkeypatch.setattr(answer, "send", lambda dispatcher, tracker_, d: sent.append(d.kind) or [])
    dispatcher = CollectingDispatcher()
    events = answer.ActionFallback().run(dispatcher, tracker(text, "nlu_fallback"), {})
    kinds = [m["custom"]["farun"]["kind"] for m in dispatcher.messages if m.get("custom")]
    return sent + kinds, events


def test_a_long_unplaced_question_that_retrieval_is_sure_of_is_answered(monkeypatch):
    kinds, events = run_fallback(
        monkeypatch, "厂里三个月没发钱了老板娘说再等等我该去哪里说理", routing.Decision("answer")
    )
    assert kinds == ["answer"] and events[-1]["name"] == "action_listen"


def test_an_unsure_search_asks_to_rephrase_and_a_short_noise_is_never_searched(monkeypatch):
    kinds, events = run_fallback(
        monkeypatch, "厂里三个月没发钱了老板娘说再等等我该去哪里说理", routing.Decision("abstain")
    )
    assert kinds == ["rephrase"] and {"event": "slot", "name": "fallback_count", "value": 1} in [
        {k: e.get(k) for k in ("event", "name", "value")} for e in events
    ]
    kinds, _ = run_fallback(monkeypatch, "嗯嗯啊啊", None)
    assert kinds == ["rephrase"]
