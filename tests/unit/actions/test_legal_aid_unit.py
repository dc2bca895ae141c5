"""Unit tests for the legal-aid eligibility check: curated data, answer mapping, form logic and the result."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.choice import UNCLEAR, best_option, extract_answer
from actions.legal_aid import (
    GROUP,
    HARDSHIP,
    MATTER,
    ValidateLegalAidForm,
    assess,
    group_buttons,
    group_from_text,
    legal_aid_data,
    required_slots,
    result_text,
)
from tests.unit.actions.form_trackers import tracker


def extract(tracker_: Tracker, slot: str, options: list, **kwargs) -> dict:
    return extract_answer(tracker_, slot, options, "legal_aid_check", **kwargs)


@pytest.fixture(scope="module")
def data():
    return legal_aid_data()


def test_the_cited_scope_and_exempt_groups_are_the_statute_items(data, corpus):
    article_31, article_42 = corpus.article("法律援助法", "第三十一条"), corpus.article("法律援助法", "第四十二条")
    listed = [
        c.quote for m in data.matters if m.basis == "means_tested" for c in m.citations if c.article == "第三十一条"
    ]
    assert all(f"（{n}）" in "".join(listed) for n in "一二三四五六七八")  # every item of 第三十一条 is covered
    assert all(quote in article_31 for quote in listed)
    exempt = [c.quote for g in data.groups for c in g.citations]
    assert len(exempt) == 3 and all(quote in article_42 for quote in exempt)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("儿子不给我赡养费", "support_payment"),
        ("老板欠了我三个月工钱", "labour_pay"),
        ("在工地干活时受伤了 想要工伤赔偿", "work_injury"),
        ("骑车被车撞了", "accident_injury"),
        ("老公经常家暴我", "domestic_violence"),
        ("我儿子被拘留了 想给他请辩护律师", "criminal_defence"),
        ("要离婚 分财产", "other"),
        ("儿子打我", "domestic_violence"),
        ("儿媳不给饭吃", "domestic_violence"),
        ("女婿打了我妈", "domestic_violence"),
        ("子女虐待老人", "domestic_violence"),
        ("想申请国家赔偿", "state_compensation"),
        ("公司把我辞退了 一分钱经济补偿都不给", "dismissal_compensation"),
        ("被违法辞退想要赔偿金", "dismissal_compensation"),
        ("坐了几年牢 再审改判无罪了 想要国家赔偿", "state_compensation_acquitted"),
        ("今天天气不错", None),
    ],
)
def test_matter_from_free_text(data, text, expected):
    assert best_option(text, data.matters) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("我是低保户", "assistance"),
        ("我不是低保户", "none"),
        ("都不是", "none"),
        ("不是的", "none"),
        ("法律援助的律师是不是差一些", None),
        ("我是外地来的农民工", "migrant_worker"),
        ("七十多了 没有收入", "no_income"),
        ("我是老人没有收入", "no_income"),
        ("没有退休金的老人", "no_income"),
        ("我是残疾人 吃低保", "no_income"),
        ("我是老人", None),  # 第四十二条第一项 needs 无固定生活来源 as well
        ("我是老人，每月有五千退休金", None),
        ("我是残疾人，在厂里上班有工资", None),
        ("我没有收入，三十多岁失业了", None),
        ("我是打工的，本地人", None),  # 第四十二条第三项 is about 进城务工人员, not any employee
        ("打工的", None),
        ("我是外地来打工的", "migrant_worker"),
        ("从农村出来打工的", "migrant_worker"),
    ],
)
def test_exempt_group_from_free_text(data, text, expected):
    assert group_from_text(data, text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("家里很困难", "yes"),
        ("不困难", "no"),
        ("说不准", "unsure"),
        ("日子还过得去", "no"),
        ("请不起律师", "yes"),
    ],
)
def test_hardship_from_free_text(data, text, expected):
    assert best_option(text, data.hardship.answers) == expected


def test_the_no_income_group_needs_no_fixed_source_of_living(data, corpus):
    group = data.group("no_income")
    assert "无固定生活来源" in group.label and group.requires_any
    assert not group.requirement_met("我是老人") and group.requirement_met("我是老人 没退休金")
    assert "（一）无固定生活来源的" in corpus.article("法律援助法", "第四十二条")


def test_a_pensioner_saying_he_is_old_is_asked_again_about_income():
    form, dispatcher = ValidateLegalAidForm(), CollectingDispatcher()
    pensioner = tracker("我是老人", requested=GROUP, slots={MATTER: "support_payment"})
    assert form.extract_legal_aid_group(dispatcher, pensioner, {}) == {GROUP: UNCLEAR}
    assert form.validate_legal_aid_group(UNCLEAR, dispatcher, pensioner, {}) == {GROUP: None}
    assert "无固定生活来源" in dispatcher.messages[-1]["text"] and "都不是" in dispatcher.messages[-1]["text"]
    no_income = tracker("我是老人没有收入", requested=GROUP, slots={MATTER: "support_payment"})
    assert form.extract_legal_aid_group(dispatcher, no_income, {}) == {GROUP: "no_income"}


def test_the_no_income_button_still_selects_the_group():
    form = ValidateLegalAidForm()
    click = tracker(
        '/legal_aid_check{"legal_aid_group": "no_income"}',
        "legal_aid_check",
        GROUP,
        [{"entity": GROUP, "value": "no_income"}],
    )
    assert form.extract_legal_aid_group(CollectingDispatcher(), click, {}) == {GROUP: "no_income"}


def test_state_compensation_after_acquittal_on_retrial_is_not_means_tested(data, corpus):
    acquitted = data.matter("state_compensation_acquitted")
    assert acquitted.basis == "not_means_tested"
    assert [(c.article, c.quote) for c in acquitted.citations] == [("第三十二条", "（三）再审改判无罪请求国家赔偿；")]
    assert "（三）再审改判无罪请求国家赔偿；" in corpus.article("法律援助法", "第三十二条")
    assert required_slots(data, "state_compensation_acquitted", None) == [MATTER]
    assert assess(data, "state_compensation_acquitted", None, None).outcome == "likely"
    assert assess(data, "state_compensation", "none", "no").outcome == "unlikely"


def test_criminal_defence_names_every_group_the_authorities_must_appoint_a_lawyer_for(data, corpus):
    notes = " ".join(data.matter("criminal_defence").notes)
    article = corpus.article("法律援助法", "第二十五条")
    for group in (
        "不能完全辨认自己行为的成年人",
        "死刑复核案件被告人",
        "缺席审判案件的被告人",
        "可能被判处无期徒刑、死刑的人",
    ):
        assert group in notes and group in article


def test_dismissal_compensation_is_left_to_the_centre_under_the_catch_all_item(data, corpus):
    dismissal = data.matter("dismissal_compensation")
    assert dismissal.basis == "not_listed"
    assert [(c.article, c.quote) for c in dismissal.citations] == [
        ("第三十一条", "（九）法律、法规、规章规定的其他情形。")
    ]
    assert "（九）法律、法规、规章规定的其他情形。" in corpus.article("法律援助法", "第三十一条")


def test_questions_depend_on_the_matter_and_group(data):
    assert required_slots(data, None, None) == [MATTER]
    assert required_slots(data, "criminal_defence", None) == [MATTER]
    assert required_slots(data, "domestic_violence", None) == [MATTER]
    assert required_slots(data, "labour_pay", None) == [MATTER, GROUP]
    assert required_slots(data, "labour_pay", "migrant_worker") == [MATTER, GROUP]
    assert required_slots(data, "labour_pay", "none") == [MATTER, GROUP, HARDSHIP]


def test_the_migrant_worker_button_only_for_wages_and_work_injury(data):
    titles = lambda matter: [b["title"] for b in group_buttons(data, matter)]  # noqa: E731
    assert any("进城务工" in t for t in titles("labour_pay")) and any("进城务工" in t for t in titles("work_injury"))
    assert not any("进城务工" in t for t in titles("support_payment"))
    assert titles("support_payment")[-1] == "都不是"
    assert group_buttons(data, "labour_pay")[0]["payload"].startswith('/legal_aid_check{"legal_aid_group": ')


@pytest.mark.parametrize(
    "matter,group,hardship,outcome,article",
    [
        ("domestic_violence", None, None, "likely", "第三十二条"),
        ("criminal_defence", None, None, "check", "第二十五条"),
        ("labour_pay", "migrant_worker", None, "likely", "第四十二条"),
        ("support_payment", "assistance", None, "likely", "第四十二条"),
        ("support_payment", "none", "yes", "likely", "第四十一条"),
        ("support_payment", "none", "unsure", "check", "第三十四条"),
        ("support_payment", "none", "no", "unlikely", "第三十一条"),
        ("other", "none", "yes", "check", "第三十一条"),
        ("other", "assistance", None, "check", "第四十二条"),
        ("other", "none", "no", "unlikely", "第三十一条"),
    ],
)
def test_assessment(data, matter, group, hardship, outcome, article):
    result = assess(data, matter, group, hardship)
    assert result.outcome == outcome
    assert article in {c.article for c in result.citations}
    assert result.materials[0].startswith("本人身份证")


def test_hardship_proof_or_group_proof_is_asked_for(data):
    exempt = assess(data, "support_payment", "assistance", None)
    assert any("低保证" in item for item in exempt.materials) and not any("诚信承诺" in m for m in exempt.materials)
    means_tested = assess(data, "support_payment", "none", "yes")
    assert any("诚信承诺" in item for item in means_tested.materials)


def test_result_names_where_to_apply_without_inventing_a_standard(data):
    text = result_text(data, assess(data, "support_payment", "none", "unsure"), with_disclaimer=True)
    assert "区法律援助中心" in text and "12348" in text and "江苏省的标准" in text
    assert "元" not in text and "地址：" not in text
    assert "《法律援助法》第三十一条：“（四）请求给付赡养费、抚养费、扶养费；”" in text
    assert text.endswith("不构成正式法律意见。") and "\n\n" not in text
    assert "不构成正式法律意见" not in result_text(data, assess(data, "good_samaritan", None, None), False)


def test_extract_reads_a_button_or_words_for_the_asked_slot_only(data):
    button = tracker("/legal_aid_check", "legal_aid_check", MATTER, [{"entity": MATTER, "value": "labour_pay"}])
    assert extract(button, MATTER, data.matters) == {MATTER: "labour_pay"}
    assert extract(tracker("要赡养费", "elderly_services", MATTER), MATTER, data.matters) == {MATTER: "support_payment"}
    assert extract(tracker("要赡养费", requested=GROUP), MATTER, data.matters) == {}


def test_extract_leaves_commands_and_questions_to_the_rules(data):
    assert extract(tracker("算了", "stop", MATTER), MATTER, data.matters) == {}
    assert extract(tracker("继续", "resume", GROUP), GROUP, data.groups) == {}
    assert extract(tracker("加班费怎么算", "wage_arrears", GROUP), GROUP, data.groups) == {}
    assert extract(tracker("低保户能申请吗", "legal_services", GROUP), GROUP, data.groups) == {}
    assert extract(tracker("我是低保户", "legal_services", GROUP), GROUP, data.groups) == {GROUP: "assistance"}
    assert extract(tracker("嗯嗯", "nlu_fallback", GROUP), GROUP, data.groups) == {GROUP: UNCLEAR}


def test_a_typed_answer_nlu_took_for_a_greeting_or_choice_still_answers(data):
    assert extract(tracker("谢谢 我是低保户", "thanks", GROUP), GROUP, data.groups) == {GROUP: "assistance"}
    assert extract(tracker("谢谢", "thanks", GROUP), GROUP, data.groups) == {}
    assert extract(tracker("第一个", "choose_entry", GROUP), GROUP, data.groups) == {}
    assert extract(tracker('/choose_entry{"entry_id": "x"}', "choose_entry", GROUP), GROUP, data.groups) == {}


def test_asking_for_the_other_flow_hands_over(data):
    switch = tracker("物业纠纷找哪里调解", "mediation_routing", GROUP)
    assert extract(switch, GROUP, data.groups) == {}


def test_extract_takes_the_first_answer_from_the_starting_message(data):
    start = tracker("我被家暴了 帮我看看能不能申请法律援助", "legal_aid_check", None)
    assert extract(start, MATTER, data.matters, first=True) == {MATTER: "domestic_violence"}
    assert extract(tracker("帮我看看能不能申请法律援助", "legal_aid_check"), MATTER, data.matters, first=True) == {
        MATTER: None
    }


def test_starting_again_forgets_answers_left_from_an_earlier_check():
    form = ValidateLegalAidForm()
    stale = tracker("帮我看看能不能申请法律援助", "legal_aid_check", slots={MATTER: "labour_pay", GROUP: "none"})
    assert form.extract_legal_aid_matter(CollectingDispatcher(), stale, {}) == {
        MATTER: None,
        GROUP: None,
        HARDSHIP: None,
    }


def test_validation_reasks_unclear_answers_and_corrects_the_migrant_exemption():
    form, dispatcher = ValidateLegalAidForm(), CollectingDispatcher()
    assert form.validate_legal_aid_matter(UNCLEAR, dispatcher, tracker(), {}) == {MATTER: None}
    assert "其他事项" in dispatcher.messages[-1]["text"]
    migrant = tracker(slots={MATTER: "support_payment"})
    assert form.validate_legal_aid_group("migrant_worker", dispatcher, migrant, {}) == {GROUP: "none"}
    assert "只适用于讨要工资或工伤赔偿" in dispatcher.messages[-1]["text"]
    assert form.validate_legal_aid_group("migrant_worker", dispatcher, tracker(slots={MATTER: "labour_pay"}), {}) == {
        GROUP: "migrant_worker"
    }


def test_the_form_asks_only_what_the_matter_needs():
    form = ValidateLegalAidForm()
    slots = asyncio.run(form.required_slots([], CollectingDispatcher(), tracker(slots={MATTER: "good_samaritan"}), {}))
    assert slots == [MATTER]


def test_faq_answers_and_the_elderly_menu_lead_on_to_the_guided_flows(kb):
    from actions.answer import WAGE_PLAN_BUTTONS, follow_up_buttons
    from actions.legal_aid import START_BUTTONS as LEGAL_AID_START
    from actions.mediation import START_BUTTONS as MEDIATION_START

    by_id = kb.by_id()
    assert follow_up_buttons(by_id["legalsvc-aid-how-apply"]) == LEGAL_AID_START
    assert follow_up_buttons(by_id["elderly-legal-aid"]) == LEGAL_AID_START
    assert follow_up_buttons(by_id["legalsvc-mediation-which-body"]) == MEDIATION_START
    assert follow_up_buttons(by_id["legalsvc-notary-basics"]) == []
    assert follow_up_buttons(by_id["wage-unpaid-basic"]) == WAGE_PLAN_BUTTONS
    assert follow_up_buttons(by_id["labour-payment-order"]) == WAGE_PLAN_BUTTONS
    assert follow_up_buttons(by_id["labour-probation-dismissal"]) == []  # not a claim for unpaid pay
