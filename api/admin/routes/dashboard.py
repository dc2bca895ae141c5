"""The analytics dashboard page: key figures, server-rendered SVG charts and their numbers as CSV, over a date range.

Figures come from ``api.curation.analytics`` (the turn log and the handoff
queue) and the grouped unanswered queue; charts are inline SVG from
``api.curation.charts``, so the page needs no script and no outside service.
The range is either one of the quick periods (``days``: 7, 30 or 90 days up to
today) or two Beijing dates ``start``/``end`` from the date pickers (at most
366 days, not after today; a range the page cannot use falls back to the last
30 days with a message). Each chart links to ``/admin/dashboard/<chart>.csv``
with the same range: the chart's numbers with Chinese headers, UTF-8 with a
byte-order mark so that Excel opens it right.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from api.admin.rendering import render
from api.admin.session import PATH, staff_user
from api.curation import analytics, charts, unanswered
from api.curation.errors import CurationError
from api.curation.queue_contract import DashboardOut
from api.curation.views import attachment
from api.dependencies import db_session, question_embedder
from knowledge_base.retrieval.embedder import Embedder
from knowledge_base.store.models import User

router = APIRouter(prefix=PATH)
PERIODS = (7, 30, 90)
DEFAULT_DAYS = 30
MAX_DAYS = 366
TITLES = {
    "messages": "每日消息数",
    "handoffs": "每日转人工请求",
    "intents": "意图分布",
    "areas": "领域分布",
    "abstain": "回答与未作答",
    "feedback": "用户反馈",
    "topics": "最常见的未解决问题",
}


@dataclass(frozen=True)
class Range:
    first: date
    last: date
    days: int | None  # the quick period chosen, None for picked dates
    error: str | None = None

    def query(self) -> str:
        return f"days={self.days}" if self.days else f"start={self.first.isoformat()}&end={self.last.isoformat()}"


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def date_range(days: int | None, start: str, end: str, today: date) -> Range:
    """The range asked for: picked dates when given and usable, else a quick period (30 days by default)."""
    if start or end:
        first, last = _date(start) or _date(end), _date(end) or today
        if first is None or first > last:
            error = "起止日期不对：开始日期要早于或等于结束日期"
        elif last > today:
            error = "结束日期不能晚于今天"
        elif (last - first).days + 1 > MAX_DAYS:
            error = f"统计范围最长{MAX_DAYS}天"
        else:
            return Range(first, last, None)
        return Range(today - timedelta(days=DEFAULT_DAYS - 1), today, DEFAULT_DAYS, error)
    days = days if days in PERIODS else DEFAULT_DAYS
    return Range(today - timedelta(days=days - 1), today, days)


def _figures(session: Session, embedder: Embedder, span: Range) -> DashboardOut:
    topics = unanswered.top_topics(unanswered.open_groups(session, embedder))
    return DashboardOut.of(analytics.between(session, span.first, span.last), topics)


def _tables(figures: DashboardOut) -> dict[str, tuple[list[str], list[list]]]:
    """Each chart's numbers as (header, rows): what the chart draws and the CSV holds."""

    def shares(pairs) -> list[list]:
        total = sum(count for _, count in pairs)
        return [[name, count, f"{100 * count / total:.1f}%" if total else ""] for name, count in pairs]

    answered = figures.questions - figures.abstained
    return {
        "messages": (["日期", "消息数"], [[d.isoformat(), n] for d, n in zip(figures.days, figures.messages)]),
        "handoffs": (["日期", "转人工请求"], [[d.isoformat(), n] for d, n in zip(figures.days, figures.handoffs)]),
        "intents": (["意图", "条数", "占比"], shares([(s.name, s.count) for s in figures.intents])),
        "areas": (["领域", "条数", "占比"], shares([(s.name, s.count) for s in figures.areas])),
        "abstain": (["类别", "条数", "占比"], shares([("已回答", answered), ("未作答", figures.abstained)])),
        "feedback": (["类别", "条数", "占比"], shares([("有用", figures.useful), ("没用", figures.not_useful)])),
        "topics": (["问题", "次数"], [[t.question, t.count] for t in figures.top_unanswered]),
    }


def _charts(figures: DashboardOut) -> dict[str, Markup]:
    """Each chart as SVG markup (the chart module escapes every label)."""
    answered = figures.questions - figures.abstained
    svgs = {
        "messages": charts.column_chart(TITLES["messages"], figures.days, figures.messages, legend="消息数（条）"),
        "handoffs": charts.column_chart(
            TITLES["handoffs"], figures.days, figures.handoffs, charts.PALETTE[3], legend="转人工请求（次）"
        ),
        "intents": charts.share_chart(TITLES["intents"], [(s.name, s.count) for s in figures.intents]),
        "areas": charts.share_chart(TITLES["areas"], [(s.name, s.count) for s in figures.areas]),
        "abstain": charts.split_bar(TITLES["abstain"], [("已回答", answered), ("未作答", figures.abstained)]),
        "feedback": charts.split_bar(TITLES["feedback"], [("有用", figures.useful), ("没用", figures.not_useful)]),
        "topics": charts.share_chart(
            TITLES["topics"], [(t.question, t.count) for t in figures.top_unanswered], limit=10
        ),
    }
    return {name: Markup(svg) for name, svg in svgs.items()}


@router.get("/dashboard")
def dashboard(
    request: Request,
    days: int | None = None,
    start: str = "",
    end: str = "",
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
    embedder: Embedder = Depends(question_embedder),
) -> Response:
    span = date_range(days, start, end, analytics.today())
    figures = _figures(session, embedder, span)
    return render(
        request,
        "dashboard.html",
        {
            "title": "数据看板",
            "span": span,
            "periods": PERIODS,
            "max_date": analytics.today().isoformat(),
            "figures": figures,
            "charts": _charts(figures),
            "titles": TITLES,
            "handoff": analytics.handoff_figures(session, span.first, span.last),
        },
    )


@router.get("/dashboard/{chart}.csv")
def dashboard_csv(
    chart: str,
    days: int | None = None,
    start: str = "",
    end: str = "",
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
    embedder: Embedder = Depends(question_embedder),
) -> Response:
    if chart not in TITLES:
        raise CurationError(404, "没有这个图表")
    span = date_range(days, start, end, analytics.today())
    header, rows = _tables(_figures(session, embedder, span))[chart]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    name = f"{TITLES[chart]}_{span.first.isoformat()}_{span.last.isoformat()}.csv"
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": attachment(name, f"farun-{chart}.csv")},
    )
