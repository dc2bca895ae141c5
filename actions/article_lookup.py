"""Article lookup: 「劳动合同法第八十二条」 → the article's text, the law's full title and version.

``find_reference`` finds a law name (full title, short name or alias; the
longest match wins) and an article number (Chinese or Arabic numerals, 之一)
in free text; ``ActionLookupArticle`` replies with the article or says
clearly which part it could not find.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from knowledge_base.numerals import ARTICLE_PATTERN, ArticleNo, to_int
from knowledge_base.statutes import Law, StatuteCorpus, default_corpus, normalize_name

HOW_TO_ASK = "请说出法律名称和条号，比如“劳动合同法第八十二条”“民法典1067条”“刑法276条之一”。"


class Reference(NamedTuple):
    """What the text names: the law (None if not recognised) and the article (None if absent)."""

    law: Law | None
    article: ArticleNo | None


def find_reference(text: str, corpus: StatuteCorpus) -> Reference:
    """Find a law name and an article number in ``text``; the article is searched after the name."""
    folded = normalize_name(text)
    law, rest = None, folded
    for name in corpus.names():
        position = folded.find(name)
        if position >= 0:
            law, rest = corpus.find(name), folded[position + len(name) :]
            break
    match = re.search(ARTICLE_PATTERN, rest)
    article = ArticleNo(to_int(match.group(1)), to_int(match.group(2)) if match.group(2) else 0) if match else None
    return Reference(law, article)


def article_label(article: ArticleNo) -> str:
    """第八十二条 for real-looking numbers; the digits for ones no statute has."""
    try:
        return article.label()
    except ValueError:
        return f"第{article.number}条"


def reply_text(reference: Reference) -> str:
    law, article = reference
    if law is None:
        return f"抱歉，我的法规库里没有找到这部法律。{HOW_TO_ASK}"
    if article is None:
        return f"您想查《{law.title}》的哪一条？{HOW_TO_ASK}"
    text = law.article(article)
    if text is None:
        return f"《{law.title}》中没有{article_label(article)}，请核对条号。{HOW_TO_ASK}"
    version = f"（{law.version}版）" if law.version else ""
    return f"《{law.title}》{version}{article.label()}：\n{text}"


class ActionLookupArticle(Action):
    def name(self) -> str:
        return "action_lookup_article"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        reference = find_reference(tracker.latest_message.get("text") or "", default_corpus())
        found = (
            reference.law is not None
            and reference.article is not None
            and reference.law.article(reference.article) is not None
        )
        dispatcher.utter_message(
            text=reply_text(reference),
            json_message={
                "farun": {
                    "kind": "article" if found else "article_not_found",
                    "intent": "article_lookup",
                    "entry_ids": [],
                    "scores": [],
                    "citations": [],
                }
            },
        )
        return []
