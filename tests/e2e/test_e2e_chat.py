"""End to end: questions through POST /api/chat to the real Rasa server and action server.

Asserts the routed intent, that in-scope answers carry citations whose quote
is in the statute text, and that out-of-scope questions get a referral, not an
answer from an unrelated entry.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from knowledge_base.numerals import parse_article

# (question, the intent the NLU should see or None when any topical intent will do, the served entries' area,
# the asker's side: every served entry is written for that side or for anyone)
IN_SCOPE = [
    ("老板拖欠我三个月工资怎么办", "wage_arrears", "wage_arrears", "worker"),
    ("包工头跑了 我们在工地干的工钱找谁要", "wage_arrears", "wage_arrears", "worker"),
    ("上班快一年了公司一直没跟我签劳动合同", "wage_arrears", "wage_arrears", "worker"),
    ("公司把我辞退了 一分钱补偿都不给", "wage_arrears", "wage_arrears", "worker"),
    ("我儿子不给我赡养费 我该怎么办", "elderly_services", "elderly_services", "older_person"),
    ("自己手写的遗嘱有没有法律效力", "elderly_services", "elderly_services", "older_person"),
    ("我妈被人拉去听课买了好几万的保健品", "elderly_services", "elderly_services", "older_person"),
    ("公司招人不签劳动合同有什么风险", "enterprise_risk", "enterprise_risk", "employer"),
    ("新公司法说注册资本要五年内缴足吗", "enterprise_risk", "enterprise_risk", "employer"),
    ("员工离职把客户资料带走了 公司怎么保护商业秘密", "enterprise_risk", "enterprise_risk", "employer"),
    # the asker's side decides, whatever intent the NLU picked
    ("公司三年没给我交社保能要补偿吗", None, "wage_arrears", "worker"),
    (
        "我在厂里干了两年多老板娘一直说资金紧张从去年十月开始就只发生活费剩下的工资一直拖着不给现在我想走能要回来吗",
        None,
        "wage_arrears",
        "worker",
    ),
    ("我爸七十多了在工地看大门被辞退了工资也没结清 他能找谁", None, "wage_arrears", "worker"),
    ("我们公司有个员工经常旷工 能直接辞退吗 要给补偿吗", None, "enterprise_risk", "employer"),
]
OUT_OF_SCOPE = ["我想离婚孩子归谁", "出了交通事故对方不赔钱怎么办", "今天天气怎么样"]


def _sender() -> str:
    return f"e2e-{uuid.uuid4().hex[:10]}"


def _legal_reply(response: dict) -> dict:
    kinds = [reply for reply in response["replies"] if reply["kind"] in ("answer", "did_you_mean", "abstain")]
    assert kinds, f"no legal reply in {response}"
    return kinds[0]


@pytest.mark.parametrize("question,intent,area,side", IN_SCOPE)
def test_in_scope_question_is_answered_from_the_askers_side_with_verified_citations(
    chat, corpus, kb, question, intent, area, side
):
    response = chat(_sender(), question)
    if intent is not None:
        assert response["intent"] == intent
    reply = _legal_reply(response)
    assert reply["kind"] in ("answer", "did_you_mean"), reply
    entries = kb.by_id()
    served = [entries[i] for i in reply["entry_ids"]]
    assert served and served[0].area.value == area, [(e.id, e.area.value) for e in served]
    assert all(e.side.value in (side, "any") for e in served), [(e.id, e.side.value) for e in served]
    assert reply["citations"], "an answer must cite its statutes"
    for citation in reply["citations"]:
        article_text = corpus.article(citation["law"], citation["article"])
        assert article_text is not None
        assert "".join(citation["quote"].split()) in "".join(article_text.split())
    if reply["kind"] == "answer":
        text = "\n".join(r["text"] for r in response["replies"])
        assert "法律依据" in text and "不构成正式法律意见" in text


@pytest.mark.parametrize("question", OUT_OF_SCOPE)
def test_out_of_scope_question_is_referred_not_answered(chat, kb, question):
    response = chat(_sender(), question)
    assert response["intent"] in ("out_of_scope", "nlu_fallback")
    text = "\n".join(reply["text"] for reply in response["replies"])
    assert "12348" in text
    entries = kb.by_id()
    for reply in response["replies"]:
        assert all(entries[i].area.value == "other_topics" for i in reply["entry_ids"])


def test_disclaimer_only_on_the_first_legal_answer(chat):
    sender = _sender()
    first = "\n".join(r["text"] for r in chat(sender, "老板拖欠工资不给怎么办")["replies"])
    second = "\n".join(r["text"] for r in chat(sender, "加班不给加班费合法吗")["replies"])
    assert "不构成正式法律意见" in first
    assert "不构成正式法律意见" not in second


def test_empty_message_gets_a_polite_prompt(chat):
    reply = chat(_sender(), "   ")["replies"][0]
    assert reply["kind"] == "empty" and "问题" in reply["text"]


def test_statute_endpoint_serves_the_cited_article(stack):
    response = httpx.get(f"{stack.api_url}/api/statutes/刑法/276条之一", timeout=10)
    assert response.status_code == 200
    assert response.json()["law"] == "中华人民共和国刑法"
    assert "逃避支付劳动者的劳动报酬" in response.json()["text"]
    assert parse_article(response.json()["article"]).suffix == 1


def test_health_reports_every_part(stack):
    body = httpx.get(f"{stack.api_url}/health", timeout=10).json()
    assert body["ok"] and body["rasa"]["ok"] and body["action_server"]["ok"] and body["index"]["ok"]
