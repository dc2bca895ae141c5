"""The FastAPI application: Farun's only public surface (chat API, search, statutes, health)."""
from __future__ import annotations

from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from api.dependencies import get_retriever
from api.routers import chat, health, search, statutes


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.http = httpx.AsyncClient()
    get_retriever()  # build or load the index before the first request
    yield
    await app.state.http.aclose()


def create_app() -> FastAPI:
    app = FastAPI(title="法润 Farun", description="钟楼区司法局法律咨询助手 API", version="0.1.0", lifespan=lifespan)
    for module in (chat, search, statutes, health):
        app.include_router(module.router)
    return app


app = create_app()
