"""The printable summary of a consultation for the legislative office: figures and charts first, then every opinion.

``summary`` gathers what the staff page shows in working order into the order
a report is read: how many opinions, on which articles (a bar per article, the
most commented first), how they were handled (采纳 / 部分采纳 / 未采纳 / 未处理),
the questionnaire's answers (a bar chart per choice question, the free-text
answers listed), the events' sign-ups, then every opinion by article with its
handling and reason. Contacts are left out: the printout travels further than
the staff page. The charts are the dashboard's server-side SVG (``charts``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy.orm import Session

from api.curation import charts
from knowledge_base.store import consultations as store

UNHANDLED = "未处理"
TEXTS_SHOWN = 50  # free-text answers printed per question; the rest are in the Excel export


@dataclass
class Summary:
    consultation: store.Consultation
    total: int
    groups: list[store.ArticleResponses]
    article_chart: Markup  # SVG (the chart module escapes every label)
    handling_chart: Markup
    handling: dict[str, int]
    questions: list[dict]
    events: list[dict]


def _question(result: dict) -> dict:
    question = result["question"]
    if question.kind == store.QuestionKind.TEXT.value:
        texts = result["texts"]
        return {
            "prompt": question.prompt,
            "answered": result["answered"],
            "texts": texts[:TEXTS_SHOWN],
            "more": max(len(texts) - TEXTS_SHOWN, 0),
            "chart": None,
        }
    pairs = sorted(result["counts"].items(), key=lambda pair: -pair[1])
    chart = Markup(charts.share_chart(question.prompt, pairs, limit=len(pairs)))
    return {"prompt": question.prompt, "answered": result["answered"], "texts": [], "more": 0, "chart": chart}


def summary(session: Session, consultation: store.Consultation) -> Summary:
    groups = store.comments_by_article(session, consultation)
    commented = sorted(
        ((group.label, len(group.comments)) for group in groups if group.comments), key=lambda pair: -pair[1]
    )
    comments = [comment for group in groups for comment in group.comments]
    counted = Counter(comment.handling or "" for comment in comments)
    handling = {name: counted.get(value, 0) for value, name in store.HANDLING_NAMES.items()}
    handling[UNHANDLED] = counted.get("", 0)
    events = [
        {"event": event, "signed_up": len(store.signups(session, event)), "left": store.places_left(session, event)}
        for event in consultation.events
    ]
    return Summary(
        consultation=consultation,
        total=len(comments),
        groups=[group for group in groups if group.comments],
        article_chart=Markup(charts.share_chart("各条文收到的意见", commented, limit=len(commented))),
        handling_chart=Markup(charts.split_bar("意见处理情况", list(handling.items()))),
        handling=handling,
        questions=[_question(result) for result in store.questionnaire_results(session, consultation)],
        events=events,
    )
