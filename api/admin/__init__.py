"""Staff admin pages under /admin: server-rendered Chinese pages over the curation workflow.

``install(app)`` mounts the local static files, the page routers listed in
``PAGE_ROUTERS`` (every one guarded by the CSRF check on POST; their paths are
kept in ``app.state.admin_pages`` for the nav bar) and the error handlers.
Call it after ``api.routers.curation.install``. To add a page module, import
it here and append its router to ``PAGE_ROUTERS``.
"""

from __future__ import annotations

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from api.admin.csrf import verify_csrf
from api.admin.errors import install_handlers
from api.admin.rendering import STATIC_DIR
from api.admin.routes import (
    accounts,
    audit,
    consultations,
    dashboard,
    entries,
    handoffs,
    login,
    services,
    spreadsheets,
    unanswered,
)

PAGE_ROUTERS = [
    login.router,
    entries.router,
    audit.router,
    accounts.router,
    spreadsheets.router,
    unanswered.router,
    dashboard.router,
    handoffs.router,
    services.router,
    consultations.router,
]


def install(app: FastAPI) -> None:
    app.mount("/admin/static", StaticFiles(directory=STATIC_DIR), name="admin-static")
    for router in PAGE_ROUTERS:
        app.include_router(router, dependencies=[Depends(verify_csrf)], include_in_schema=False)
    app.state.admin_pages = {route.path for router in PAGE_ROUTERS for route in router.routes}
    install_handlers(app)
