"""Dashboard figures from the turn log: messages and handoffs per day, intent and area shares, abstain rate, feedback.

Everything is computed from the ``turns`` table over a window of days ending
today (Beijing days: ``local_time``); days without turns count as zero so charts show gaps. Handoff
requests are the turns the bot answered with a handoff (asked for, or after
repeated misunderstandings); the handoff queue's own figures (open now, median
time to close) come from the ``handoff_requests`` table. The abstain rate is the share of legal questions
(answered, offered a choice, referred or abstained) the bot declined to answer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from actions.payload import NOT_USEFUL, USEFUL
from api.curation.field_labels import AREA_NAMES
from api.curation.local_time import beijing_date, utc_start_of
from knowledge_base.store.handoffs import HandoffRequest, HandoffStatus
from knowledge_base.store.models import Turn, utcnow

QUESTION_KINDS = ("answer", "did_you_mean", "referral", "abstain")
INTENT_NAMES = {
    "wage_arrears": "欠薪与劳动权益",
    "elderly_services": "老年人权益",
    "legal_services": "法律援助与调解",
    "enterprise_risk": "企业法律风险",
    "out_of_scope": "其他法律问题",
    "nlu_fallback": "未能理解",
    "greet": "问候",
    "goodbye": "道别",
    "thanks": "致谢",
    "bot_challenge": "问是不是机器人",
    "article_lookup": "查法条",
    "handoff": "转人工",
    "feedback": "反馈",
    "choose_entry": "选择条目",
    "elderly_menu": "银龄港湾菜单",
    "guide_browse": "浏览企业指引",
    "wage_plan": "讨薪步骤",
    "legal_aid_check": "法律援助自测",
    "mediation_routing": "找调解组织",
}
UNKNOWN = "未识别"


@dataclass
class Dashboard:
    days: list[date]
    messages: list[int]
    handoffs: list[int]
    intents: list[tuple[str, int]]
    areas: list[tuple[str, int]]
    questions: int
    abstained: int
    useful: int
    not_useful: int

    @property
    def total(self) -> int:
        return sum(self.messages)

    @property
    def abstain_rate(self) -> float | None:
        return self.abstained / self.questions if self.questions else None

    @property
    def useful_ratio(self) -> float | None:
        rated = self.useful + self.not_useful
        return self.useful / rated if rated else None


@dataclass
class HandoffFigures:
    """Handoff requests: open now (not done), closed within the days shown, median hours from request to close."""

    open: int
    closed: int
    median_hours: float | None


def handoff_figures(session: Session, first: date, last: date) -> HandoffFigures:
    """Open requests now; requests closed between ``first`` and ``last`` (Beijing days) and their median time."""
    since, until = utc_start_of(first), utc_start_of(last + timedelta(days=1))
    still_open = session.scalar(
        select(func.count()).select_from(HandoffRequest).where(HandoffRequest.status != HandoffStatus.DONE.value)
    )
    closed = session.execute(
        select(HandoffRequest.created_at, HandoffRequest.closed_at).where(
            HandoffRequest.closed_at.is_not(None), HandoffRequest.closed_at >= since, HandoffRequest.closed_at < until
        )
    ).all()
    hours = [(closed_at - created_at).total_seconds() / 3600 for created_at, closed_at in closed]
    return HandoffFigures(still_open or 0, len(hours), median(hours) if hours else None)


def _named(counts: Counter, names: dict[str, str]) -> list[tuple[str, int]]:
    return [(names.get(key, key) if key else UNKNOWN, count) for key, count in counts.most_common()]


def today(now: datetime | None = None) -> date:
    """Today in Beijing."""
    return beijing_date(now or utcnow())


def dashboard(session: Session, days: int = 30, now: datetime | None = None) -> Dashboard:
    """The figures for the last ``days`` days (today included)."""
    last = today(now)
    return between(session, last - timedelta(days=days - 1), last)


def between(session: Session, first: date, last: date) -> Dashboard:
    """The figures for the Beijing days ``first`` to ``last``, both included."""
    window = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    since, until = utc_start_of(first), utc_start_of(last + timedelta(days=1))
    rows = session.execute(
        select(Turn.at, Turn.kind, Turn.intent, Turn.area, Turn.feedback).where(Turn.at >= since, Turn.at < until)
    )
    per_day, handoffs, intents, areas, kinds, feedback = (Counter() for _ in range(6))
    for at, kind, intent, area, value in rows:
        day = beijing_date(at)
        per_day[day] += 1
        handoffs[day] += kind == "handoff"
        intents[intent] += 1
        kinds[kind] += 1
        if area:
            areas[area] += 1
        if value:
            feedback[value] += 1
    return Dashboard(
        days=window,
        messages=[per_day[day] for day in window],
        handoffs=[handoffs[day] for day in window],
        intents=_named(intents, INTENT_NAMES),
        areas=_named(areas, AREA_NAMES),
        questions=sum(kinds[kind] for kind in QUESTION_KINDS),
        abstained=kinds["abstain"],
        useful=feedback[USEFUL],
        not_useful=feedback[NOT_USEFUL],
    )
