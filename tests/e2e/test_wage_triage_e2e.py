"""End to end: the wage-arrears triage form through POST /api/chat, and Rasa's own empty / overlong handling.

A full triage is driven by clicking the buttons the bot offers (and typing
where people type); the plan must match the answers and every citation must
be verbatim in its article. Interruptions: a legal question mid-form is
answered and the pending question asked again; 「算了」 ends the form and
forgets its answers. Empty and 5,000-character messages are sent straight to
Rasa's REST channel, as WeChat does, since the API answers those itself.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from actions.forms import STOPPED_TEXT
from actions.render import DISCLAIMER
from actions.wage_questions import QUESTIONS

FIRST_QUESTION = QUESTIONS["wage_triage_debtor"][0]


def _sender() -> str:
    return f"e2e-triage-{uuid.uuid4().hex[:10]}"


def _texts(response: dict) -> list[str]:
    return [reply["text"] for reply in response["replies"]]


def _click(response: dict, title: str) -> str:
    """The payload of the button titled ``title`` in the bot's replies."""
    return next(b["payload"] for reply in response["replies"] for b in reply["buttons"] if b["title"] == title)


class Conversation:
    """One sender's turns through /api/chat, kept as a transcript."""

    def __init__(self, chat) -> None:
        self.chat, self.sender, self.lines = chat, _sender(), []

    def say(self, message: str, shown: str | None = None) -> dict:
        response = self.chat(self.sender, message)
        self.lines.append(f"用户：{shown or message}")
        self.lines += [f"法润：{text}" for text in _texts(response)]
        return response


def test_full_triage_by_buttons_gives_a_tailored_cited_plan(chat, corpus):
    talk = Conversation(chat)
    answer = talk.say("老板拖欠我三个月工资怎么办")
    started = talk.say(_click(answer, "帮我梳理讨薪步骤"), "［点击］帮我梳理讨薪步骤")
    assert _texts(started) == [FIRST_QUESTION]
    duration_q = talk.say(_click(started, "工地包工头（建设工程）"), "［点击］工地包工头（建设工程）")
    assert _texts(duration_q) == [QUESTIONS["wage_triage_duration"][0]]
    amount_q = talk.say(_click(duration_q, "三个月左右"), "［点击］三个月左右")
    assert _texts(amount_q) == [QUESTIONS["wage_triage_amount"][0]]
    evidence_q = talk.say("两万多")
    assert _texts(evidence_q) == [QUESTIONS["wage_triage_evidence"][0]]
    more_q = talk.say(_click(evidence_q, "聊天记录"), "［点击］聊天记录")
    assert _texts(more_q) == [QUESTIONS["wage_triage_evidence_done"][0].format(chosen="聊天记录")]
    assert "聊天记录" not in [b["title"] for b in more_q["replies"][-1]["buttons"]]
    migrant_q = talk.say(_click(more_q, "没有了"), "［点击］没有了")
    assert _texts(migrant_q) == [QUESTIONS["wage_triage_migrant"][0]]
    plan = talk.say(_click(migrant_q, "是"), "［点击］是")["replies"]
    print("\n".join(["", "[transcript]", *talk.lines]))
    assert [r["kind"] for r in plan] == ["plan"]
    text = plan[0]["text"]
    assert text.startswith(
        "您的情况：欠薪的是工地包工头（建设工程）；拖欠约3个月；金额约20000元；证据：聊天记录；进城务工人员。"
    )
    assert "施工总承包单位先行清偿" in text and "不用审查经济困难" in text and "12333" in text
    assert "二倍工资" not in text  # not a no-contract case
    lines = text.split("\n")
    first_answer_had_disclaimer = DISCLAIMER in "\n".join(_texts(answer))
    assert lines[-1].startswith("下一步：") if first_answer_had_disclaimer else lines[-2].startswith("下一步：")
    assert (DISCLAIMER in text) != first_answer_had_disclaimer  # once per conversation
    laws = {(c["short_name"], c["article"]) for c in plan[0]["citations"]}
    assert {
        ("保障农民工工资支付条例", "第三十条"),
        ("法律援助法", "第四十二条"),
        ("劳动争议调解仲裁法", "第五十三条"),
        ("刑法", "第二百七十六条之一"),
    } <= laws
    for citation in plan[0]["citations"]:
        assert citation["quote"] in corpus.article(citation["law"], citation["article"])


def test_plan_carries_the_disclaimer_when_it_is_the_first_legal_reply(chat):
    talk = Conversation(chat)
    talk.say("帮我梳理讨薪步骤")
    for answer in ("公司或老板", "半年", "不清楚", "工资条和考勤记录", "不是"):
        response = talk.say(answer)
    text = response["replies"][-1]["text"]
    assert text.endswith(DISCLAIMER) and "支付令" in text and "经济困难、请不起律师的" in text


def test_question_mid_form_is_answered_then_asked_again_and_stop_forgets_the_answers(chat):
    talk = Conversation(chat)
    assert _texts(talk.say("帮我梳理讨薪步骤")) == [FIRST_QUESTION]
    assert _texts(talk.say("没签合同")) == [QUESTIONS["wage_triage_duration"][0]]
    digression = talk.say("劳动仲裁要交钱吗")
    kinds = [r["kind"] for r in digression["replies"]]
    assert kinds[0] in ("answer", "did_you_mean", "abstain") and len(kinds) == 2
    assert digression["replies"][-1]["text"] == QUESTIONS["wage_triage_duration"][0]
    unclear = talk.say("嗯嗯嗯")
    assert "没听明白" in unclear["replies"][0]["text"]
    assert unclear["replies"][-1]["text"] == QUESTIONS["wage_triage_duration"][0]
    stopped = talk.say("算了")
    assert stopped["intent"] == "stop" and _texts(stopped) == [STOPPED_TEXT]
    assert talk.say("继续")["replies"][0]["text"].startswith("现在没有进行到一半的问答")
    assert _texts(talk.say("帮我梳理讨薪步骤")) == [FIRST_QUESTION]  # starts over: nothing remembered
    print("\n".join(["", "[transcript]", *talk.lines]))


def _rasa_says(stack, sender: str, message: str) -> list[str]:
    response = httpx.post(
        f"{stack.rasa_url}/webhooks/farun/webhook",
        params={"token": stack.token},
        json={"sender": sender, "message": message},
        timeout=60,
    )
    response.raise_for_status()
    return [m["text"] for m in response.json() if m.get("text")]


@pytest.mark.parametrize("message", ["", "   ", "？？？"])
def test_rasa_answers_an_empty_message_politely(stack, message):
    assert _rasa_says(stack, _sender(), message) == [
        "您好像还没有输入内容。请直接说说您遇到的问题，比如“老板拖欠工资怎么办”。"
    ]


def test_rasa_asks_to_split_a_5000_character_message_and_the_form_carries_on(stack, chat):
    sender = _sender()
    long_message = ("老板拖欠我三个月工资，我该怎么办？" * 300)[:5000]
    assert _rasa_says(stack, sender, long_message)[0].startswith("您的消息有点长")
    chat(sender, "帮我梳理讨薪步骤")
    replies = _rasa_says(stack, sender, long_message)
    assert replies[0].startswith("您的消息有点长") and replies[-1] == FIRST_QUESTION
