"""``GET /health``: the state of Rasa, the action server and the retrieval index."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Depends, Response

from api.dependencies import get_retriever, http_client, rasa_client
from api.models import ComponentHealth, HealthResponse
from api.rasa_client import RasaClient
from api.settings import Settings, get_settings

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthResponse)
async def health(
    response: Response,
    rasa: RasaClient = Depends(rasa_client),
    client: httpx.AsyncClient = Depends(http_client),
    settings: Settings = Depends(get_settings),
) -> HealthResponse:
    rasa_ok, rasa_detail = await rasa.status()
    health_url = settings.action_url.rsplit("/webhook", 1)[0] + "/health"
    try:
        action = await client.get(health_url, timeout=5)
        action_health = ComponentHealth(ok=action.status_code == 200, detail=f"HTTP {action.status_code}")
    except httpx.HTTPError as exc:
        action_health = ComponentHealth(ok=False, detail=str(exc) or type(exc).__name__)
    retriever = get_retriever()
    sizes = {c.value: len(index.entries) for c, index in retriever.collections.items()}
    index_health = ComponentHealth(ok=all(sizes.values()), detail=f"entries per collection: {sizes}")
    ok = rasa_ok and action_health.ok and index_health.ok
    response.status_code = 200 if ok else 503
    return HealthResponse(
        ok=ok, rasa=ComponentHealth(ok=rasa_ok, detail=rasa_detail), action_server=action_health, index=index_health
    )
