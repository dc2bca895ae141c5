"""Every FastAPI dependency in one place: settings, HTTP and Rasa clients, database session, signed-in user, sign-in
throttle and client address, embedder, turn log.

Routers and staff pages take what they need from here with ``Depends``; no
router imports another router.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache

import httpx
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api.curation import auth
from api.curation.errors import CurationError
from api.curation.login_throttle import LoginThrottle
from api.curation.turns import TurnLog
from api.rasa_client import RasaClient
from api.settings import Settings, get_settings
from knowledge_base.retrieval.embedder import Embedder, get_embedder
from knowledge_base.retrieval.pipeline import Retriever
from knowledge_base.store.db import Database
from knowledge_base.store.live import LiveKnowledge
from knowledge_base.store.models import User

bearer = HTTPBearer(auto_error=False)


def http_client(request: Request) -> httpx.AsyncClient:
    return request.app.state.http


def rasa_client(
    settings: Settings = Depends(get_settings), client: httpx.AsyncClient = Depends(http_client)
) -> RasaClient:
    return RasaClient(settings, client)


@lru_cache(maxsize=1)
def live_knowledge() -> LiveKnowledge:
    return LiveKnowledge()


def get_retriever() -> Retriever:
    """The retriever over the served entries, rebuilt when staff publish or archive."""
    return live_knowledge().current().retriever


def question_embedder() -> Embedder:
    """The retriever's sentence embedder, used to group similar questions."""
    return get_embedder()


def curation_database(request: Request) -> Database:
    return request.app.state.curation_db


def db_session(request: Request) -> Iterator[Session]:
    database: Database = request.app.state.curation_db
    with database.session() as session:
        yield session


def bearer_token(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> str:
    if credentials is None:
        raise CurationError(401, "请先登录")
    return credentials.credentials


def current_user(token: str = Depends(bearer_token), session: Session = Depends(db_session)) -> User:
    return auth.user_for_token(session, token)


def login_throttle(request: Request) -> LoginThrottle:
    """The app's one sign-in throttle (made by ``api.routers.curation.install``)."""
    return request.app.state.login_throttle


def client_address(request: Request) -> str:
    """The peer's address: behind a reverse proxy, the client's only when uvicorn runs with ``--proxy-headers``."""
    return request.client.host if request.client else ""


def turn_log_for(channel: str) -> Callable[[Request], TurnLog | None]:
    """The turn log of ``channel``, or None when the app has no curation database."""

    def turn_log(request: Request) -> TurnLog | None:
        database = getattr(request.app.state, "curation_db", None)
        return TurnLog(database, channel) if database is not None else None

    return turn_log
