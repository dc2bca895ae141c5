"""Unit tests for the wage-arrears triage: reading answers, the form's validation, the tailored plan, stopping."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import render
from actions.forms import form_slot_resets
from actions.wage_answers import amount_yuan, debtor_type, duration_months, evidence, yes_no
from actions.wage_questions import ActionAskWageTriageEvidenceDone
from actions.wage_triage import (
    Situation,
    ValidateWageTriageForm,
    plan_steps,
    plan_text,
    read_answer,
    situation_text,
    tailored_steps,
)


@pytest.mark.parametrize(
    "text,months",
    [
        ("三个月", 3),
        ("快四个月了", 4),
        ("半年多", 6),
        ("一年半", 18),
        ("两个多月", 2),
        ("一个半月", 1.5),
        ("两年了", 24),
        ("45天", 1.5),
        ("两周", 0.5),
        ("从去年年底开始", None),
        ("不清楚", None),
    ],
)
def test_duration_in_months(text, months):
    assert duration_months(text) == months


@pytest.mark.parametrize(
    "text,yuan",
    [
        ("两万多", 20000),
        ("8000块", 8000),
        ("1.5万", 15000),
        ("三千五", 3500),
        ("两万五", 25000),
        ("一万二", 12000),
        ("一千零五块", 1005),
        ("2w", 20000),
        ("2万5", 25000),
        ("欠我六千多块钱", 6000),
        ("十二万", 120000),
        ("三个月", None),
        ("半年", None),
        ("不清楚", None),
    ],
)
def test_amount_in_yuan(text, yuan):
    assert amount_yuan(text) == yuan


@pytest.mark.parametrize(
    "text,debtor",
    [
        ("工地包工头", "subcontractor"),
        ("装修队的工头", "subcontractor"),
        ("没签合同", "no_contract"),
        ("口头说好的", "no_contract"),
        ("公司或老板", "employer"),
        ("厂里欠的", "employer"),
        ("随便", None),
    ],
)
def test_debtor_type(text, debtor):
    assert debtor_type(text) == debtor


@pytest.mark.parametrize(
    "text,codes",
    [
        ("工资条和微信聊天记录", ["payslip", "chat"]),
        ("打卡记录、转账记录还有合同", ["contract", "payslip", "attendance"]),
        ("没有合同，有他写的欠条", ["iou"]),
        ("都没有", ["none"]),
        ("没有合同", ["none"]),
        ("随便", None),
    ],
)
def test_evidence_several_at_once_or_none(text, codes):
    assert evidence(text) == codes


@pytest.mark.parametrize(
    "text,answer",
    [
        ("是的", True),
        ("对 我是农民工", True),
        ("外地来打工的", True),
        ("不是", False),
        ("本地人", False),
        ("不清楚", None),
        ("随便", None),
    ],
)
def test_migrant_yes_no(text, answer):
    assert yes_no(text) == answer


def test_an_answer_fills_its_slot_even_when_nlu_calls_it_a_wage_question():
    assert read_answer("wage_triage_debtor", "包工头", "wage_arrears") == {"wage_triage_debtor": "subcontractor"}
    assert read_answer("wage_triage_duration", "三个月了", "wage_arrears") == {"wage_triage_duration": "三个月了"}


@pytest.mark.parametrize(
    "slot,text,intent",
    [
        ("wage_triage_duration", "劳动仲裁要交钱吗", "wage_arrears"),  # a question: answered, then asked again
        ("wage_triage_duration", "仲裁时效是一年吗", "wage_arrears"),  # holds a duration, but is a question
        ("wage_triage_debtor", "老人不给赡养费", "elderly_services"),
        ("wage_triage_amount", "算了", "stop"),
        ("wage_triage_amount", "继续", "resume"),
        ("wage_triage_amount", "三万" * 2000, "overlong_message"),
        ("wage_triage_debtor", '/feedback{"feedback_value": "useful"}', "feedback"),  # a button on a mid-form answer
        ("wage_triage_migrant", "谢谢", "thanks"),
    ],
)
def test_questions_and_commands_fill_nothing(slot, text, intent):
    assert read_answer(slot, text, intent) is None


@pytest.mark.parametrize(
    "slot,text,intent,reading",
    [
        ("wage_triage_debtor", "搞装修的那个工头欠的", "choose_entry", {"wage_triage_debtor": "subcontractor"}),
        ("wage_triage_migrant", "谢谢 是的", "thanks", {"wage_triage_migrant": True}),
        ("wage_triage_amount", "你好 两万多", "greet", {"wage_triage_amount": "你好 两万多"}),
        ("wage_triage_debtor", "第一个", "choose_entry", None),  # reads as no answer: the choice rule runs
        ("wage_triage_debtor", '/choose_entry{"entry_id": "x"}', "choose_entry", None),  # a button never answers
    ],
)
def test_a_typed_answer_nlu_took_for_a_greeting_or_choice_still_fills_its_slot(slot, text, intent, reading):
    assert read_answer(slot, text, intent) == reading


def test_unclear_answers_are_rejected_but_free_text_is_kept():
    assert read_answer("wage_triage_debtor", "嗯嗯", "inform") == {"wage_triage_debtor": None}
    assert read_answer("wage_triage_migrant", "随便吧", "nlu_fallback") == {"wage_triage_migrant": None}
    assert read_answer("wage_triage_amount", "记不清了", "wage_arrears") == {"wage_triage_amount": "不清楚"}
    assert read_answer("wage_triage_duration", "从去年过完年", "inform") == {"wage_triage_duration": "从去年过完年"}
    assert read_answer("wage_triage_duration", "嗯嗯嗯", "nlu_fallback") == {"wage_triage_duration": None}
    assert read_answer("wage_triage_amount", "一个月的工资", "inform") == {"wage_triage_amount": "一个月的工资"}


@pytest.mark.parametrize(
    "text,chosen,reading",
    [
        (
            "聊天记录",
            None,
            {"wage_triage_evidence": ["chat"], "wage_triage_evidence_done": None},
        ),  # one click: ask for more
        ("只有欠条", None, {"wage_triage_evidence": ["iou"], "wage_triage_evidence_done": True}),
        ("都没有", None, {"wage_triage_evidence": ["none"], "wage_triage_evidence_done": True}),
    ],
)
def test_first_evidence_answer_stays_open_after_a_single_item(text, chosen, reading):
    assert read_answer("wage_triage_evidence", text, "inform", chosen) == reading


@pytest.mark.parametrize(
    "text,intent,reading",
    [
        ("工资条", "inform", {"wage_triage_evidence": ["payslip", "chat"], "wage_triage_evidence_done": None}),
        ("没有了", "inform", {"wage_triage_evidence_done": True}),
        ("就这些", "nlu_fallback", {"wage_triage_evidence_done": True}),
        ("嗯嗯", "inform", {"wage_triage_evidence_done": None}),
        ("聊天记录能当证据吗", "wage_arrears", None),
    ],
)
def test_more_evidence_is_added_until_the_person_says_that_is_all(text, intent, reading):
    assert read_answer("wage_triage_evidence_done", text, intent, ["chat"]) == reading


def test_more_evidence_question_offers_only_what_is_not_chosen():
    tracker = Tracker("unit", {"wage_triage_evidence": ["payslip", "chat"]}, {}, [], False, None, {}, "action_listen")
    text, buttons = ActionAskWageTriageEvidenceDone().question(tracker)
    assert "已选：工资条/银行流水、聊天记录" in text
    assert [b["title"] for b in buttons] == ["劳动合同", "考勤记录", "欠条", "没有了"]


def _tracker(requested: str, text: str, intent: str) -> Tracker:
    return Tracker(
        "unit",
        {"requested_slot": requested},
        {"text": text, "intent": {"name": intent, "confidence": 0.9}},
        [],
        False,
        None,
        {"name": "wage_triage_form"},
        "action_listen",
    )


FORM_DOMAIN = {
    "forms": {
        "wage_triage_form": {
            "required_slots": [
                "wage_triage_debtor",
                "wage_triage_duration",
                "wage_triage_amount",
                "wage_triage_evidence",
                "wage_triage_evidence_done",
                "wage_triage_migrant",
            ]
        }
    },
    "slots": {
        name: {}
        for name in (
            "wage_triage_debtor",
            "wage_triage_duration",
            "wage_triage_months",
            "wage_triage_amount",
            "wage_triage_yuan",
            "wage_triage_evidence",
            "wage_triage_evidence_done",
            "wage_triage_migrant",
            "disclaimer_shown",
        )
    },
}


def _validate(requested: str, text: str, intent: str) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateWageTriageForm().run(dispatcher, _tracker(requested, text, intent), FORM_DOMAIN))
    return events, dispatcher.messages


def test_validation_action_sets_only_the_asked_slot_and_its_number():
    events, messages = _validate("wage_triage_amount", "两万多块", "inform")
    assert {(e["name"], e["value"]) for e in events} == {
        ("wage_triage_amount", "两万多块"),
        ("wage_triage_yuan", 20000),
    }
    assert messages == []
    events, _ = _validate("wage_triage_duration", "记不清了", "inform")
    assert {(e["name"], e["value"]) for e in events} == {
        ("wage_triage_duration", "不清楚"),
        ("wage_triage_months", None),
    }
    events, _ = _validate("wage_triage_evidence", "工资条和聊天记录", "inform")
    assert {(e["name"], str(e["value"])) for e in events} == {
        ("wage_triage_evidence", "['payslip', 'chat']"),
        ("wage_triage_evidence_done", "True"),
    }


def test_validation_action_steps_aside_for_a_question_and_hints_on_nonsense():
    assert _validate("wage_triage_evidence", "欠薪可以打12333投诉吗", "wage_arrears") == ([], [])
    events, messages = _validate("wage_triage_evidence", "嗯嗯", "inform")
    assert [(e["name"], e["value"]) for e in events] == [("wage_triage_evidence", None)]
    assert "都没有" in messages[0]["text"]


def _laws(steps) -> set[tuple[str, str]]:
    return {(c.law, c.article) for step in steps for c in step.citations}


def test_construction_migrant_plan_has_contractor_and_legal_aid_steps():
    situation = Situation(debtor="subcontractor", months=3, yuan=20000, evidence=["chat"], migrant=True)
    laws = _laws(tailored_steps(situation, plan_steps()))
    assert {
        ("保障农民工工资支付条例", "第三十条"),
        ("法律援助法", "第四十二条"),
        ("劳动保障监察条例", "第九条"),
        ("劳动争议调解仲裁法", "第二十七条"),
        ("刑法", "第二百七十六条之一"),
    } <= laws
    assert ("法律援助法", "第三十一条") not in laws and ("劳动合同法", "第八十二条") not in laws
    assert ("劳动争议调解仲裁法", "第六条") in laws  # chat records alone do not show how much is owed
    assert ("劳动合同法", "第三十条") not in laws  # no payment order without an IOU or pay slips


def test_no_contract_plan_with_iou_over_a_year():
    situation = Situation(debtor="no_contract", months=14, yuan=None, evidence=["iou"], migrant=False)
    steps = tailored_steps(situation, plan_steps())
    laws = _laws(steps)
    assert {
        ("劳动合同法", "第七条"),
        ("劳动合同法", "第八十二条"),
        ("劳动合同法", "第三十条"),
        ("法律援助法", "第三十一条"),
    } <= laws
    assert ("保障农民工工资支付条例", "第三十条") not in laws and ("劳动争议调解仲裁法", "第六条") not in laws
    assert any("离开之日起一年内" in step.text for step in steps)


def test_plan_text_summarises_lists_cites_and_ends_with_next_step_then_disclaimer():
    situation = Situation(debtor="subcontractor", months=3, yuan=20000, evidence=["chat"], migrant=True)
    steps = tailored_steps(situation, plan_steps())
    header = situation_text(situation, "三个月", "两万多")
    assert header == (
        "您的情况：欠薪的是工地包工头（建设工程）；拖欠约3个月；金额约20000元；证据：聊天记录；进城务工人员。"
    )
    text = plan_text(steps, header, with_disclaimer=True)
    lines = text.split("\n")
    assert "" not in lines  # one utterance: the REST channel splits at blank lines
    assert lines[-1] == render.DISCLAIMER and lines[-2].startswith("下一步：先把上面说的证据收集起来")
    assert (
        "   依据：《保障农民工工资支付条例》第三十条：“分包单位拖欠农民工工资的，由施工总承包单位先行清偿，再依法进行追偿。”"
        in lines
    )
    assert render.DISCLAIMER not in plan_text(steps, header, with_disclaimer=False)


def test_unknown_amounts_are_named_in_the_summary():
    situation = Situation(debtor="employer", evidence=["none"], migrant=False)
    assert "拖欠不清楚；金额不清楚；证据：暂无证据；非进城务工人员" in situation_text(situation, "不清楚", None)


def test_stopping_clears_the_form_slots_and_requested_slot_only():
    names = {event["name"] for event in form_slot_resets("wage_triage_form", FORM_DOMAIN)}
    assert names == {
        "wage_triage_debtor",
        "wage_triage_duration",
        "wage_triage_months",
        "wage_triage_amount",
        "wage_triage_yuan",
        "wage_triage_evidence",
        "wage_triage_evidence_done",
        "wage_triage_migrant",
        "requested_slot",
    }
