"""Legislative-opinion collection in the chat (立法意见征集): list the open consultations, read a draft article by article.

``action_legislation`` answers the ``legislation`` intent. Buttons carry what
to do as entities (``/legislation{"legislation_consultation": "3",
"legislation_step": "article", "legislation_article": "0"}``); typed words
work too: 「第五条」「第三条之一」 and 「下一条」「上一条」 read an article of the
consultation being read (slots ``legislation_consultation`` and
``legislation_article``, the article's position; ``legislation_reading`` lets
a rule send a bare 「第五条」 (NLU: article_lookup, or nlu_fallback when unsure)
here instead of to the statute lookup or the fallback; a message naming a law
is still handed to that lookup, one with nothing of the draft to the fallback), a consultation's name opens
it, 「我的意见」 points to the page that shows one's opinions and how they were
handled. Comments, the questionnaire and sign-ups are taken on the web page
``/consult/<id>``, which masks personal numbers before storing (in the API);
the chat gives its address (``FARUN_PUBLIC_URL`` + the path). The consultations
are read from the curation database on every turn (``LiveConsultations``).
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
from knowledge_base.store.consultations import LiveConsultations, OpenConsultation

INTENT = "legislation"
CONSULTATION = "legislation_consultation"
ARTICLE = "legislation_article"
STEP = "legislation_step"
FALLBACK_INTENT = "nlu_fallback"  # NLU unsure: 「第二条」 alone may land here while a draft is read
READING = "legislation_reading"  # a consultation is being read: 「第五条」 reads its article (bot/data/rules)
NEXT_WORDS = ("下一条", "下条", "继续读", "往下")
PREVIOUS_WORDS = ("上一条", "上条")
MINE_WORDS = ("我的意见", "我提的意见", "我提交的意见")
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
    lines.append(f"可以说“第五条”“下一条”逐条阅读；提意见、填问卷、报名座谈会请打开：{page_link(consultation.id)}")
    buttons = [button("从第一条开始读", consultation.id, "article", 0)] if consultation.articles else []
    return "\n".join(lines), buttons + [button("我的意见", consultation.id, "mine")]


def article_reply(consultation: OpenConsultation, position: int) -> tuple[str, list[dict]]:
    article = consultation.articles[position]
    lines = [f"{article.chapter}".strip(), f"{article.label} {article.text}"]
    lines.append(f"对这一条有意见，请在这里提交（可以匿名）：{page_link(consultation.id, article.id)}")
    buttons = []
    if position + 1 < len(consultation.articles):
        buttons.append(button("下一条", consultation.id, "article", position + 1))
    if position > 0:
        buttons.append(button("上一条", consultation.id, "article", position - 1))
    return "\n".join(line for line in lines if line), buttons


def mine_reply(consultation: OpenConsultation | None) -> tuple[str, list[dict]]:
    if consultation is None:
        return "您在网页上提交的意见和处理结果，可以在对应的征求意见页面“我的意见”一栏查看。", []
    return (
        f"您在这台设备上提交的意见，以及工作人员公布的处理结果，都在这里的“我的意见”一栏：{page_link(consultation.id)}",
        [],
    )


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
            step = "mine"
        elif typed and current is not None:
            if any(word in typed for word in NEXT_WORDS):
                step, position = "article", (-1 if position is None else position) + 1
            elif any(word in typed for word in PREVIOUS_WORDS):
                step, position = "article", (1 if position is None else position) - 1
            elif (found := article_position(typed, current)) is not None:
                step, position = "article", found
        if step is None and (tracker.latest_message.get("intent") or {}).get("name") == FALLBACK_INTENT:
            return ActionFallback().run(dispatcher, tracker, domain)  # nothing of the draft's: ask to rephrase
        if step == "mine":
            reply, buttons = mine_reply(current)
        elif current is None:
            reply, buttons = list_reply(consultations)
            events += [SlotSet(CONSULTATION, None), SlotSet(READING, False)]
        elif step == "article" and position is not None:
            if 0 <= position < len(current.articles):
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
                "legislation", INTENT, [], consultation=current.id if current else None, step=step or "list"
            ),
        )
        return events


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None
