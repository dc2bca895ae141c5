"""End to end: the legal-aid eligibility check and mediation routing through POST /api/chat.

Each test drives a whole conversation on the real Rasa server and action
server: buttons are "clicked" by sending their payload, typed answers are
sent as text. Run with ``-s`` to see each conversation as a transcript.
"""

from __future__ import annotations

import uuid

import pytest


class Conversation:
    """One sender's turns; prints a transcript of what was said."""

    def __init__(self, chat, name: str):
        self.chat, self.sender = chat, f"e2e-{name}-{uuid.uuid4().hex[:8]}"
        print(f"\n### {name}")

    def say(self, message: str) -> dict:
        response = self.chat(self.sender, message)
        print(f"用户：{message}   [intent={response['intent']}]")
        for reply in response["replies"]:
            print("法润：" + reply["text"].replace("\n", "\n      "))
            if reply["buttons"]:
                print("      按钮：" + " ".join(f"[{b['title']}]" for b in reply["buttons"]))
        return response

    def click(self, response: dict, title_part: str) -> dict:
        button = next(b for r in response["replies"] for b in r["buttons"] if title_part in b["title"])
        print(f"（点选「{button['title']}」）")
        return self.say(button["payload"])


def text(response: dict) -> str:
    return "\n".join(reply["text"] for reply in response["replies"])


def titles(response: dict) -> list[str]:
    return [b["title"] for r in response["replies"] for b in r["buttons"]]


def result(response: dict, kind: str) -> dict:
    return next(reply for reply in response["replies"] if reply["kind"] == kind)


def articles(reply: dict) -> set[tuple[str, str]]:
    return {(c["short_name"], c["article"]) for c in reply["citations"]}


def test_legal_aid_check_with_buttons_for_a_migrant_worker(chat):
    talk = Conversation(chat, "legal-aid-migrant-worker")
    asked = talk.say("帮我看看能不能申请法律援助")
    assert asked["intent"] == "legal_aid_check"
    assert "讨要工资、确认劳动关系" in titles(asked) and "其他事项（离婚、借贷、合同等）" in titles(asked)
    group_question = talk.click(asked, "讨要工资")
    assert "第2步" in text(group_question) and "进城务工人员（讨要工资或工伤赔偿）" in titles(group_question)
    done = talk.click(group_question, "进城务工人员")
    reply = result(done, "legal_aid_result")
    assert "【初步判断】很可能符合法律援助条件" in reply["text"]
    assert {("法律援助法", "第三十一条"), ("法律援助法", "第四十二条"), ("法律援助法", "第三十八条")} <= articles(reply)
    assert "区法律援助中心" in reply["text"] and "12348" in reply["text"] and "身份证" in reply["text"]


def test_legal_aid_check_in_words_needs_the_centres_check(chat):
    talk = Conversation(chat, "legal-aid-in-words")
    talk.say("我想评估一下自己能不能申请法律援助")
    group_question = talk.say("儿子不给我赡养费")
    assert "第2步" in text(group_question) and "进城务工人员（讨要工资或工伤赔偿）" not in titles(group_question)
    hardship_question = talk.say("都不是")
    assert "第3步" in text(hardship_question) and "江苏省" in text(hardship_question)
    reply = result(talk.say("说不准"), "legal_aid_result")
    assert "需要区法律援助中心进一步审查" in reply["text"] and "诚信承诺" in reply["text"]
    assert ("法律援助法", "第三十四条") in articles(reply) and "元" not in reply["text"]


def test_a_question_in_the_middle_is_answered_and_the_check_goes_on(chat):
    talk = Conversation(chat, "legal-aid-digression")
    talk.say("/legal_aid_check")
    talk.say('/legal_aid_check{"legal_aid_matter": "labour_pay"}')
    digression = talk.say("加班工资是怎么计算的")
    assert digression["intent"] == "wage_arrears"
    assert digression["replies"][0]["kind"] in {"answer", "did_you_mean", "abstain"}
    assert "第2步" in digression["replies"][-1]["text"]
    unclear = talk.say("嗯嗯啊啊")
    assert "没太明白" in text(unclear) and "都不是" in titles(unclear)
    reply = result(talk.say("我是低保户"), "legal_aid_result")
    assert ("法律援助法", "第四十二条") in articles(reply) and "低保证" in reply["text"]


def test_the_check_can_be_abandoned_and_started_again(chat):
    talk = Conversation(chat, "legal-aid-abandoned")
    talk.say("帮我看看能不能申请法律援助")
    talk.say('/legal_aid_check{"legal_aid_matter": "support_payment"}')
    stopped = talk.say("算了")
    assert stopped["intent"] == "stop" and "已取消" in text(stopped)
    after = talk.say("公司三个月没发工资了怎么办")
    assert after["intent"] == "wage_arrears" and "第2步" not in text(after)
    again = talk.say("帮我看看能不能申请法律援助")
    assert "第1步" in text(again)  # the old answers are gone: it starts from the first question


def test_a_matter_without_means_test_is_answered_at_once(chat):
    talk = Conversation(chat, "legal-aid-domestic-violence")
    reply = result(talk.say("老公长期家暴我 帮我评估一下能不能申请法律援助"), "legal_aid_result")
    assert "很可能符合" in reply["text"] and ("法律援助法", "第三十二条") in articles(reply)


def test_mediation_routing_from_the_first_message(chat):
    talk = Conversation(chat, "mediation-property")
    response = talk.say("跟小区物业有矛盾 能找哪里调解")
    reply = result(response, "mediation_routing")
    assert "物业纠纷调解工作室" in reply["text"] and "12348" in reply["text"] and "不收任何费用" in reply["text"]
    assert {("人民调解法", "第四条"), ("人民调解法", "第三十三条"), ("民事诉讼法", "第二百零六条")} <= articles(reply)


def test_mediation_routing_asks_the_dispute_and_can_be_abandoned(chat):
    talk = Conversation(chat, "mediation-buttons")
    asked = talk.say("帮我推荐一个调解组织")
    assert "消费纠纷" in titles(asked)
    reply = result(talk.click(asked, "消费纠纷"), "mediation_routing")
    assert "消费纠纷调解工作室" in reply["text"]
    talk.say("/mediation_routing")
    stopped = talk.say("换个问题吧")
    assert stopped["intent"] == "stop" and "已取消" in text(stopped)


def test_a_legal_aid_answer_offers_the_check(chat):
    talk = Conversation(chat, "faq-to-check")
    answer = talk.say("申请法律援助要带哪些材料 去哪里办")
    assert answer["intent"] == "legal_services"
    assert answer["replies"][0]["entry_ids"][0].startswith("legalsvc-aid-")
    asked = talk.click(answer, "帮我看看能不能申请法律援助")
    assert "第1步" in text(asked)


def test_asking_for_mediation_during_the_check_switches_flows(chat):
    talk = Conversation(chat, "legal-aid-to-mediation")
    talk.say("帮我看看能不能申请法律援助")
    talk.say('/legal_aid_check{"legal_aid_matter": "support_payment"}')
    asked = talk.say("/mediation_routing")  # the page's 找调解 chip
    routed = result(talk.click(asked, "婚姻家庭"), "mediation_routing")
    assert "婚姻家庭纠纷人民调解委员会" in routed["text"] and "家事调解工作室" in routed["text"]
    again = talk.say("帮我看看能不能申请法律援助")
    assert "第1步" in text(again)  # the earlier answers do not carry over


def test_the_elderly_menu_and_mediation_answers_lead_on_to_the_flows(chat):
    talk = Conversation(chat, "menus-to-flows")
    menu = talk.click(talk.say("/elderly_menu"), "法律援助")
    assert "帮我看看能不能申请法律援助" in titles(menu)
    answer = talk.say("人民调解达成的协议去法院确认要怎么办")
    if answer["replies"][0]["entry_ids"] and answer["replies"][0]["entry_ids"][0].startswith("legalsvc-mediation-"):
        assert "帮我找合适的调解组织" in titles(answer)
    else:
        pytest.fail(f"expected a mediation answer, got {answer['intent']} {answer['replies'][0]['entry_ids']}")
