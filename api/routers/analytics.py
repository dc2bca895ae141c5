"""Analytics API: ``GET /api/curation/analytics`` returns the dashboard's figures for the last N days."""
from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from api.curation import analytics, unanswered
from api.curation.models import User
from api.curation.queue_contract import DashboardOut
from api.routers.curation import current_user, db_session
from api.routers.unanswered import question_embedder
from knowledge_base.retrieval.embedder import Embedder

router = APIRouter(prefix="/api/curation", tags=["curation"])


def dashboard_figures(session: Session, embedder: Embedder, days: int) -> DashboardOut:
    topics = unanswered.top_topics(unanswered.open_groups(session, embedder))
    return DashboardOut.of(analytics.dashboard(session, days), topics)


@router.get("/analytics", response_model=DashboardOut)
def dashboard(days: int = Query(30, ge=1, le=366), user: User = Depends(current_user),
              session: Session = Depends(db_session), embedder: Embedder = Depends(question_embedder)) -> DashboardOut:
    return dashboard_figures(session, embedder, days)
