"""FastAPI dependencies: settings, the shared HTTP client, the Rasa client and the live retriever."""
from __future__ import annotations

from functools import lru_cache

import httpx
from fastapi import Depends, Request

from api.curation.live import LiveKnowledge
from api.rasa_client import RasaClient
from api.settings import Settings, get_settings
from knowledge_base.retrieval.pipeline import Retriever


def http_client(request: Request) -> httpx.AsyncClient:
    return request.app.state.http


def rasa_client(settings: Settings = Depends(get_settings),
                client: httpx.AsyncClient = Depends(http_client)) -> RasaClient:
    return RasaClient(settings, client)


@lru_cache(maxsize=1)
def live_knowledge() -> LiveKnowledge:
    return LiveKnowledge()


def get_retriever() -> Retriever:
    """The retriever over the served entries, rebuilt when staff publish or archive."""
    return live_knowledge().current().retriever
