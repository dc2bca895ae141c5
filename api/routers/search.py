"""``GET /api/search``: ranked entries with scores, straight from the retrieval library."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from actions.render import citations
from api.dependencies import get_retriever
from api.models import SearchHit, SearchResponse
from knowledge_base.retrieval.pipeline import Retriever
from knowledge_base.schema import Collection

router = APIRouter(prefix="/api", tags=["search"])


@router.get("/search", response_model=SearchResponse)
def search(
    q: str = Query(min_length=1, max_length=2000),
    collection: Collection | None = None,
    k: int = Query(5, ge=1, le=50),
    retriever: Retriever = Depends(get_retriever),
) -> SearchResponse:
    result = retriever.search(q, collection, k=k)
    return SearchResponse(
        query=result.query,
        confident=result.confident,
        ambiguous=result.ambiguous,
        hits=[
            SearchHit(
                id=h.entry.id,
                collection=h.entry.collection.value,
                area=h.entry.area.value,
                title=h.entry.title,
                score=h.score,
                dense=h.dense,
                keyword=h.keyword,
                answer=h.entry.answer,
                citations=citations(h.entry),
            )
            for h in result.hits
        ],
    )
