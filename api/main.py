"""The FastAPI application: Farun's only public surface (chat API, search, statutes, health, staff curation)."""

from __future__ import annotations

from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api import admin, input_guards
from api.dependencies import get_retriever
from api.routers import (
    analytics,
    chat,
    consultations,
    curation,
    handoffs,
    health,
    search,
    spreadsheets,
    statutes,
    unanswered,
    web,
    wechat,
)
from api.security_headers import SecurityHeaders
from knowledge_base.store.seed import open_seeded_database


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.http = httpx.AsyncClient()
    app.state.curation_db = open_seeded_database()  # migrate; load the YAML seed into an empty database
    get_retriever()  # build or load the index before the first request
    yield
    await app.state.http.aclose()
    app.state.curation_db.close()


def create_app() -> FastAPI:
    app = FastAPI(title="法润 Farun", description="钟楼区司法局法律咨询助手 API", version="0.1.0", lifespan=lifespan)
    for module in (
        chat,
        search,
        statutes,
        health,
        wechat,
        web,
        spreadsheets,
        unanswered,
        analytics,
        handoffs,
        consultations,
    ):
        app.include_router(module.router)
    curation.install(app)
    admin.install(app)
    app.mount("/static", StaticFiles(directory=web.STATIC_DIR), name="static")
    input_guards.install(app)  # invalid Unicode in a JSON body -> 422; an id beyond int64 -> 404
    app.add_middleware(SecurityHeaders)
    return app


app = create_app()
