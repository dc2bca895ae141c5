"""Legislative-opinion collection in the chat (立法意见征集): list the open consultations, read a draft article by article,
take a comment on an article or on the whole draft, and show 「我的意见」.

``action_legislation`` answers the ``legislation`` intent. Buttons carry what
to do as entities (``/legislation{"legislation_consultation": "3",
"legislation_step": "article", "legislation_article": "0"}``); typed words
work too: 「第五条」「第三条之一」 and 「下一条」「上一条」 read an article of the
consultation being read (slots ``legislation_consultation`` and
``legislation_article``, the article's position; ``legislation_reading`` lets
a rule send a bare 「第五条」 (NLU: article_lookup, or nlu_fallback when unsure)
here instead of to the statute lookup or the fallback; a message naming a law
is still handed to that lookup, one with nothing of the draft to the fallback), a consultation's name opens
it. An article (and a consultation's summary) offers 「对这一条提意见」
(「对整部草案提意见」): the bot then asks for the opinion with a reply of kind
``payload.COMMENT_PROMPT`` naming the consultation and the article, and the API
stores the resident's next message as the comment, masked, and answers it
itself (``api.curation.legislation_comments``); nothing of it reaches Rasa.
「我的意见」 lists what this conversation (Rasa's sender id) sent in and, once
staff published the feedback notice, how each opinion was handled. The
questionnaire, sign-ups and comments with contact details are taken on the web
page ``/consult/<id>`` (``FARUN_PUBLIC_URL`` + the path). The consultations are
read from the curation database on every turn (``LiveConsultations``).
"""

from __future__ import annotations

import os
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import payload
from actions.answer import ActionFallback
from actions.article_lookup import ActionLookupArticle, find_reference
from actions.choice import entity_value
from knowledge_base.numerals import ARTICLE_PATTERN, parse_article
from knowledge_base.statutes import default_corpus
from knowledge_base.store.consultations import MAX_COMMENT_CHARS, LiveConsultations, MyComment, OpenConsultation

INTENT = "legislation"
KIND = "legislation"  # the payload kind of a reply that lists or reads (a comment prompt has its own)
CONSULTATION = "legislation_consultation"
ARTICLE = "legislation_article"
STEP = "legislation_step"
FALLBACK_INTENT = "nlu_fallback"  # NLU unsure: 「第二条」 alone may land here while a draft is read
READING = "legislation_reading"  # a consultation is being read: 「第五条」 reads its article (bot/data/rules)
NEXT_WORDS = ("下一条", "下条", "继续读", "往下")
PREVIOUS_WORDS = ("上一条", "上条")
MINE_WORDS = ("我的意见", "我提的意见", "我提交的意见")
COMMENT, COMMENT_ALL, MINE = "comment", "comment_all", "mine"  # steps: comment on an article, on the whole draft
MAX_MINE = 10  # opinions 「我的意见」 lists, the newest
QUOTE_CHARS = 40  # characters of an opinion 「我的意见」 quotes
NAME_OVERLAP = 4  # characters of a consultation's title that must appear in the message to open it
_ARTICLE = re.compile(rf"第\s*{ARTICLE_PATTERN.removeprefix('第?')}")
_TITLE_NOISE = re.compile(r"[《》（）()\s]|征求意见稿|草案")

_live = LiveConsultations()


def page_link(consultation_id: int, article_id: int | None = None) -> str:
    base = os.environ.get("FARUN_PUBLIC_URL", "").rstrip("/")
    return f"{base}/consult/{consultation_id}" + (f"#article-{article_id}" if article_id else "")


def button(title: str, consultation: int, step: str, article: int | None = None) -> dict:
    entities = {CONSULTATION: str(consultation), STEP: step}
    if article is not None:
        entities[ARTICLE] = str(article)
    values = ", ".join(f'"{key}": "{value}"' for key, value in entities.items())
    return {"title": title, "payload": f"/{INTENT}{{{values}}}"}


def named_in(text: str, consultations: list[OpenConsultation]) -> OpenConsultation | None:
    """The consultation whose title (without 《》, 征求意见稿) shares ``NAME_OVERLAP`` characters in a row with ``text``."""
    for consultation in consultations:
        title = _TITLE_NOISE.sub("", consultation.title)
        if any(title[i : i + NAME_OVERLAP] in text for i in range(max(0, len(title) - NAME_OVERLAP + 1))):
            return consultation
    return None


def list_reply(consultations: list[OpenConsultation]) -> tuple[str, list[dict]]:
    if not consultations:
        return "目前没有正在征求意见的法规草案。有新的征求意见时，我们会在“法润民生”群里通知大家。", []
    lines = ["这些法规草案正在征求意见，点一个就可以逐条阅读、提出意见："]
    for number, consultation in enumerate(consultations, 1):
        lines.append(f"{number}. {consultation.title}（{consultation.issuer}，{consultation.closes_on:%m月%d日}截止）")
    return "\n".join(lines), [button(c.title, c.id, "open") for c in consultations]


def open_reply(consultation: OpenConsultation) -> tuple[str, list[dict]]:
    lines = [f"《{consultation.title.strip('《》')}》", f"起草单位：{consultation.issuer}"]
    lines.append(f"征求意见截止：{consultation.closes_on:%Y年%m月%d日}，共{len(consultation.articles)}条。")
    if consultation.summary:
        lines.append(f"简单说：{consultation.summary}")
    if consultation.feedback:
        lines.append(f"意见采纳情况：{consultation.feedback}")
    lines.append(f"可以说“第五条”“下一条”逐条阅读；填问卷、报名座谈会请打开：{page_link(consultation.id)}")
    buttons = [button("从第一条开始读", consultation.id, "article", 0)] if consultation.articles else []
    buttons.append(button("对整部草案提意见", consultation.id, COMMENT_ALL))
    return "\n".join(lines), buttons + [button("我的意见", consultation.id, MINE)]


def article_reply(consultation: OpenConsultation, position: int) -> tuple[str, list[dict]]:
    article = consultation.articles[position]
    lines = [f"{article.chapter}".strip(), f"{article.label} {article.text}"]
    lines.append(
        f"对这一条有意见，可以点“对这一条提意见”直接发给我们，也可以在网页上提交：{page_link(consultation.id, article.id)}"
    )
    buttons = []
    if position + 1 < len(consultation.articles):
        buttons.append(button("下一条", consultation.id, "article", position + 1))
    if position > 0:
        buttons.append(button("上一条", consultation.id, "article", position - 1))
    buttons.append(button("对这一条提意见", consultation.id, COMMENT, position))
    return "\n".join(line for line in lines if line), buttons


def comment_reply(consultation: OpenConsultation, position: int | None) -> tuple[str, list[dict]]:
    """Ask for the opinion the resident's next message will be (on the article at ``position``, or the whole draft)."""
    what = consultation.articles[position].label if position is not None else "整部草案"
    back = (
        button("继续阅读", consultation.id, "article", position)
        if position is not None
        else button("继续阅读", consultation.id, "open")
    )
    text = (
        f"请直接发送您对《{consultation.title.strip('《》')}》{what}的意见（{MAX_COMMENT_CHARS}字以内），"
        "您发的下一条消息就会作为意见提交。\n"
        "意见不署名，只用于这次立法工作；消息里的手机号、身份证号、银行卡号会自动隐去。"
        f"希望工作人员与您联系的，请在网页上提交并留下联系方式：{page_link(consultation.id)}"
    )
    return text, [back, button("我的意见", consultation.id, MINE)]


def mine_reply(comments: list[MyComment], consultation: OpenConsultation | None) -> tuple[str, list[dict]]:
    """What this conversation sent in, the newest ``MAX_MINE``, each with how it was handled once published."""
    back = [button("回到草案", consultation.id, "open")] if consultation else []
    if not comments:
        return "您在这里还没有提交过意见。阅读草案时点“对这一条提意见”，就可以直接在这里提交。", back
    lines = [f"您在这里提交过{len(comments)}条意见" + ("，以下是最近的几条：" if len(comments) > MAX_MINE else "：")]
    for number, comment in enumerate(comments[-MAX_MINE:], 1):
        quote = comment.text if len(comment.text) <= QUOTE_CHARS else comment.text[:QUOTE_CHARS] + "…"
        lines.append(f"{number}. 《{comment.title.strip('《》')}》{comment.article}：{quote}")
        if comment.handling:
            lines.append(f"   处理结果：{comment.handling}" + (f"。{comment.reason}" if comment.reason else ""))
        else:
            lines.append("   处理结果：工作人员汇总研究后会公布，请留意。")
    return "\n".join(lines), back


def article_position(text: str, consultation: OpenConsultation) -> int | None:
    match = _ARTICLE.search(text)
    if not match:
        return None
    try:
        wanted = parse_article(match.group(0))
    except ValueError:
        return None
    labels = [article.label for article in consultation.articles]
    return labels.index(wanted.label()) if wanted.label() in labels else -1


class ActionLegislation(Action):
    def name(self) -> str:
        return "action_legislation"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        consultations = _live.current()
        by_id = {str(c.id): c for c in consultations}
        text = (tracker.latest_message.get("text") or "").strip()
        typed = "" if text.startswith("/") else text
        step = entity_value(tracker, STEP)
        current = by_id.get(entity_value(tracker, CONSULTATION) or tracker.get_slot(CONSULTATION) or "")
        position = _int(entity_value(tracker, ARTICLE) or tracker.get_slot(ARTICLE))
        if typed and find_reference(typed, default_corpus()).law is not None:  # 「劳动合同法第五条」: a statute
            return [SlotSet(READING, False), *ActionLookupArticle().run(dispatcher, tracker, domain)]
        events: list = []
        if typed and (named := named_in(typed, consultations)) is not None and named != current:
            current, step, position = named, "open", None
        if typed and any(word in typed for word in MINE_WORDS):
            step = MINE
        elif typed and current is not None:
            if any(word in typed for word in NEXT_WORDS):
                step, position = "article", (-1 if position is None else position) + 1
            elif any(word in typed for word in PREVIOUS_WORDS):
                step, position = "article", (1 if position is None else position) - 1
            elif (found := article_position(typed, current)) is not None:
                step, position = "article", found
        if step is None and (tracker.latest_message.get("intent") or {}).get("name") == FALLBACK_INTENT:
            return ActionFallback().run(dispatcher, tracker, domain)  # nothing of the draft's: ask to rephrase
        kind, extra = KIND, {}
        if step == MINE:
            reply, buttons = mine_reply(_live.mine(tracker.sender_id), current)
        elif current is None:
            reply, buttons = list_reply(consultations)
            events += [SlotSet(CONSULTATION, None), SlotSet(READING, False)]
        elif step in (COMMENT, COMMENT_ALL) and (step == COMMENT_ALL or _valid(position, current)):
            at = position if step == COMMENT else None
            reply, buttons = comment_reply(current, at)
            kind, extra = payload.COMMENT_PROMPT, {"article": None if at is None else current.articles[at].id}
        elif step == "article" and position is not None:
            if _valid(position, current):
                reply, buttons = article_reply(current, position)
                events.append(SlotSet(ARTICLE, str(position)))
            elif position >= len(current.articles) and current.articles:
                reply = f"已经读完了，全文共{len(current.articles)}条。提意见请打开：{page_link(current.id)}"
                buttons = [button("从第一条开始读", current.id, "article", 0)]
            else:
                reply, buttons = f"这部草案里没有这一条，全文共{len(current.articles)}条。", []
        else:
            reply, buttons = open_reply(current)
            events.append(SlotSet(ARTICLE, None))
        if current is not None:
            events += [SlotSet(CONSULTATION, str(current.id)), SlotSet(READING, True)]
        dispatcher.utter_message(
            text=reply,
            buttons=buttons,
            json_message=payload.build(
                kind, INTENT, [], consultation=current.id if current else None, step=step or "list", **extra
            ),
        )
        return events


def _valid(position: int | None, consultation: OpenConsultation) -> bool:
    return position is not None and 0 <= position < len(consultation.articles)


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None
