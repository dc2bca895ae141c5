"""The analytics dashboard page: key figures and server-rendered SVG charts over the last 7, 30 or 90 days.

Figures come from ``api.curation.analytics`` (the turn log) and the grouped
unanswered queue; charts are inline SVG from ``api.curation.charts``, so the
page needs no script and no outside service.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from api.admin.rendering import render
from api.admin.session import PATH, staff_user
from api.curation import charts
from api.curation.queue_contract import DashboardOut
from api.curation.views import dashboard_figures
from api.dependencies import db_session, question_embedder
from knowledge_base.retrieval.embedder import Embedder
from knowledge_base.store.models import User

router = APIRouter(prefix=PATH)
PERIODS = (7, 30, 90)


def _charts(figures: DashboardOut) -> dict[str, Markup]:
    """Each chart as SVG markup (the chart module escapes every label)."""
    svgs = {
        "messages": charts.column_chart("每日消息数", figures.days, figures.messages),
        "handoffs": charts.column_chart("每日转人工请求", figures.days, figures.handoffs, charts.PALETTE[3]),
        "intents": charts.share_chart("意图分布", [(s.name, s.count) for s in figures.intents]),
        "areas": charts.share_chart("领域分布", [(s.name, s.count) for s in figures.areas]),
        "abstain": charts.split_bar(
            "回答与未作答", [("已回答", figures.questions - figures.abstained), ("未作答", figures.abstained)]
        ),
        "feedback": charts.split_bar("用户反馈", [("有用", figures.useful), ("没用", figures.not_useful)]),
        "topics": charts.share_chart(
            "最常见的未解决问题", [(t.question, t.count) for t in figures.top_unanswered], limit=10, width=720
        ),
    }
    return {name: Markup(svg) for name, svg in svgs.items()}


@router.get("/dashboard")
def dashboard(
    request: Request,
    days: int = 30,
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
    embedder: Embedder = Depends(question_embedder),
) -> Response:
    days = days if days in PERIODS else 30
    figures = dashboard_figures(session, embedder, days)
    return render(
        request,
        "dashboard.html",
        {"title": "数据看板", "days": days, "periods": PERIODS, "figures": figures, "charts": _charts(figures)},
    )
