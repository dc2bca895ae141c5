"""Turn retrieved entries into the bot's replies: answer, citations, next step, disclaimer.

Text is plain Chinese for any channel; the structured parts (intent, entry
ids, citations with the article's verbatim quote) travel in the custom
payload of ``actions.payload``, which the API passes on and the web page
renders. Next steps and referrals that send people to a body of the services
directory (区法律援助中心, 仲裁委, …) are followed by its staff-entered contact
when one is saved (``contacts``, read by the caller from the database); while
none is, the step's own hotline text stands alone. Pure: no Rasa SDK.
"""

from __future__ import annotations

from knowledge_base.numerals import parse_article
from knowledge_base.schema import Citation, Entry
from knowledge_base.service_data.directory import contact_lines
from knowledge_base.statutes import default_corpus

DISCLAIMER = "温馨提示：以上内容仅供参考，不构成正式法律意见。"
SCOPE = "我主要解答：欠薪与劳动权益、老年人权益（银龄港湾）、法律援助与人民调解、企业经营法律风险防范。"
REFERRAL_STEPS = [
    "拨打12348公共法律服务热线咨询",
    "到区公共法律服务中心或找村（社区）法律顾问当面咨询",
    "符合条件的，可以向区法律援助中心申请免费法律援助",
]


def citation_record(law_name: str, article: str, quote: str) -> dict:
    """A citation as the API serves it: full title, short name, article label, quote, link."""
    law = default_corpus().find(law_name)
    label = parse_article(article).label()
    title = law.title if law else law_name
    short = law.short_name if law else law_name
    return {
        "law": title,
        "short_name": short,
        "article": label,
        "quote": quote,
        "url": f"/api/statutes/{short}/{label}",
    }


def citation_records(cited: list[Citation]) -> list[dict]:
    """``citation_record`` for each citation of a curated service, once each, in order."""
    unique = {(c.law, c.article, c.quote): c for c in cited}
    return [citation_record(c.law, c.article, c.quote) for c in unique.values()]


def cited_lines(cited: list[Citation], prefix: str = "·") -> list[str]:
    """One reply line per citation: 《short name》article：“quote”."""
    return [f"{prefix}《{c['short_name']}》{c['article']}：“{c['quote']}”" for c in citation_records(cited)]


def citations(entry: Entry) -> list[dict]:
    return [citation_record(c.law, c.article, c.quote) for c in entry.citations]


def deadline_lines(entry: Entry) -> list[str]:
    """The 期限提醒 block: each time limit that can cost a right, with the article that sets it."""
    if not entry.deadlines:
        return []
    lines = ["期限提醒："]
    for deadline in entry.deadlines:
        record = citation_record(deadline.citation.law, deadline.citation.article, deadline.citation.quote)
        lines.append(f"·{deadline.what}：{deadline.period}（《{record['short_name']}》{record['article']}）")
    return lines


def contact_block(steps: list[str], contacts: dict[str, dict[str, str]] | None) -> list[str]:
    """「联系方式：」 and one line per body ``steps`` name that has a saved contact; [] while none has."""
    lines = contact_lines(steps, contacts or {})
    return ["联系方式：", *[f"·{line}" for line in lines]] if lines else []


def answer_text(entry: Entry, with_disclaimer: bool, contacts: dict[str, dict[str, str]] | None = None) -> str:
    """Title, the direct answer (summary) first, what to do, deadlines, legal basis, next steps (with the saved
    contacts of the bodies they name), disclaimer."""
    # One utterance, no blank lines: Rasa's REST channel would split the text at "\n\n".
    lines = [f"【{entry.title}】"]
    if entry.summary:
        lines.append(entry.summary)
    lines += [line for line in entry.answer.splitlines() if line.strip()]
    lines += deadline_lines(entry)
    lines.append("法律依据：")
    for record in citations(entry):
        lines.append(f"·《{record['short_name']}》{record['article']}：“{record['quote']}”")
    if entry.next_steps:
        lines += ["下一步建议："] + [f"{i}. {step}" for i, step in enumerate(entry.next_steps, 1)]
        lines += contact_block(entry.next_steps, contacts)
    if with_disclaimer:
        lines.append(DISCLAIMER)
    return "\n".join(lines)


def referral_text(reason: str, contacts: dict[str, dict[str, str]] | None = None) -> str:
    steps = [f"{i}. {step}" for i, step in enumerate(REFERRAL_STEPS, 1)]
    return "\n".join([reason, "建议您：", *steps, *contact_block(REFERRAL_STEPS, contacts)])


def abstain_text(contacts: dict[str, dict[str, str]] | None = None) -> str:
    return referral_text("抱歉，这个问题我没有把握回答准确，不想给您错误的信息。", contacts)


def out_of_scope_text(contacts: dict[str, dict[str, str]] | None = None) -> str:
    return referral_text(f"这个问题不在我的主要服务范围内。{SCOPE}", contacts)


def rephrase_text() -> str:
    return f"不好意思，我没太明白您的意思。能换个说法，或者具体说说遇到了什么事吗？{SCOPE}"


def candidates(hits, scores: list[float] | None = None) -> list[dict]:
    """The entries retrieval considered (``Hit`` objects) for the staff queue, with how sure the bot was of each:
    ``scores`` (the router's confidence) or else their dense similarity."""
    scores = [hit.dense for hit in hits] if scores is None else scores
    return [
        {"id": hit.entry.id, "title": hit.entry.title, "score": round(score, 4)} for hit, score in zip(hits, scores)
    ]
