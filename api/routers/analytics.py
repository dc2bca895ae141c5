"""Analytics API: ``GET /api/curation/analytics`` returns the dashboard's figures for the last N days."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from api.curation.queue_contract import DashboardOut
from api.curation.views import dashboard_figures
from api.dependencies import current_user, db_session, question_embedder
from knowledge_base.retrieval.embedder import Embedder
from knowledge_base.store.models import User

router = APIRouter(prefix="/api/curation", tags=["curation"])


@router.get("/analytics", response_model=DashboardOut)
def dashboard(
    days: int = Query(30, ge=1, le=366),
    user: User = Depends(current_user),
    session: Session = Depends(db_session),
    embedder: Embedder = Depends(question_embedder),
) -> DashboardOut:
    return dashboard_figures(session, embedder, days)
