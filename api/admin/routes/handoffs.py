"""The handoff queue (``/admin/handoffs``): every 「转人工」 from the chat, open → assigned → done.

Each request shows why it came (asked for a person, or the bot did not
understand repeatedly), the conversation's last turns (masked when they were
logged), whether the resident wants a call-back and when. The call-back phone
is shown in full only to reviewers and admins; editors see it masked. Any
staff member may take a request on (接手), keep a note and close it; closing
deletes the phone number. Filters (status, channel, call-back wanted) and the
page number are kept by every form and redirect; 20 requests a page. Every
action is audited (``api.curation.handoffs``). The navigation shows the
number of open requests (``open_handoff_count`` in base.html).
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.admin.paging import page_query, page_url, paginate
from api.admin.rendering import redirect, render, templates
from api.admin.session import PATH, staff_user
from api.curation import handoffs
from api.curation.errors import CurationError
from api.curation.masking import mask
from api.curation.queue_filters import CHANNEL_NAMES
from api.dependencies import db_session
from api.models import RowId
from knowledge_base.store.handoffs import HandoffRequest, HandoffStatus
from knowledge_base.store.models import Role, User

router = APIRouter(prefix=PATH)
QUEUE = f"{PATH}/handoffs"
PAGE_SIZE = 20
PHONE_ROLES = {Role.REVIEWER.value, Role.ADMIN.value}  # who sees a call-back phone in full
ACTIVE = "active"
STATUS_FILTERS = {
    ACTIVE: "未完成（待处理和处理中）",
    HandoffStatus.OPEN.value: "待处理",
    HandoffStatus.ASSIGNED.value: "处理中",
    HandoffStatus.DONE.value: "已完成",
    "all": "全部",
}
CALLBACK_FILTERS = {"yes": "要求回电", "no": "未留电话"}
TURN_KINDS = {"handoff": "转人工", handoffs.CALLBACK_KIND: "留下电话", "answer": "已解答", "abstain": "未作答"}
NOTICES = {
    "assigned": "已由您接手处理。",
    "noted": "备注已保存。",
    "closed": "已标记为处理完毕，回电号码已删除。",
}


class HandoffFilters(BaseModel):
    status: Literal["active", "open", "assigned", "done", "all"] = ACTIVE
    channel: Literal["", "web", "wechat", "wecom"] = ""
    callback: Literal["", "yes", "no"] = ""

    def params(self) -> dict[str, str]:
        values = {"status": self.status if self.status != ACTIVE else "", "channel": self.channel}
        return {**values, "callback": self.callback}


def open_handoff_count(request: Request) -> int:
    """The number of open requests, for the badge in the navigation (0 when the database cannot say)."""
    database = getattr(request.app.state, "curation_db", None)
    if database is None:
        return 0
    try:
        with database.session() as session:
            return handoffs.open_count(session)
    except Exception:  # a page must render even if this count fails
        return 0


templates.env.globals["open_handoff_count"] = open_handoff_count


def _filters(status: str = ACTIVE, channel: str = "", callback: str = "") -> HandoffFilters:
    """The list's filters from the query (a dependency of every route of the queue); an unknown value is refused
    with a Chinese 422 page."""
    try:
        return HandoffFilters(status=status or ACTIVE, channel=channel, callback=callback)
    except ValidationError:
        raise CurationError(422, "筛选条件无效，请从页面上的选项中选择。") from None


def matching(session: Session, filters: HandoffFilters) -> list[HandoffRequest]:
    query = select(HandoffRequest)
    if filters.status == ACTIVE:
        query = query.where(HandoffRequest.status.in_([HandoffStatus.OPEN.value, HandoffStatus.ASSIGNED.value]))
    elif filters.status != "all":
        query = query.where(HandoffRequest.status == filters.status)
    if filters.channel:
        query = query.where(HandoffRequest.channel == filters.channel)
    if filters.callback:
        query = query.where(HandoffRequest.wants_callback.is_(filters.callback == "yes"))
    return list(session.scalars(query.order_by(HandoffRequest.created_at.desc(), HandoffRequest.id.desc())))


def shown_phone(user: User, row: HandoffRequest) -> str | None:
    """The call-back phone as this user may see it: in full for reviewers and admins, masked for editors."""
    if not row.callback_phone:
        return None
    return row.callback_phone if user.role in PHONE_ROLES else mask(row.callback_phone)


def _page(
    request: Request,
    session: Session,
    user: User,
    filters: HandoffFilters,
    number: int,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    page = paginate(matching(session, filters), number, QUEUE, filters.params(), PAGE_SIZE)
    rows = [{"row": row, "phone": shown_phone(user, row)} for row in page.rows]
    return render(
        request,
        "handoffs.html",
        {
            "title": "转人工",
            "page": page,
            "rows": rows,
            "filters": filters,
            "keep": page_url("", filters.params(), page.number),
            "error": error,
            "status_filters": STATUS_FILTERS,
            "callback_filters": CALLBACK_FILTERS,
            "channel_names": CHANNEL_NAMES,
            "status_names": handoffs.STATUS_NAMES,
            "reason_names": handoffs.REASON_NAMES,
            "turn_kinds": TURN_KINDS,
            "sees_phone": user.role in PHONE_ROLES,
            "notice": NOTICES.get(request.query_params.get("notice", "")),
        },
        status_code=status_code,
    )


@router.get("/handoffs")
def handoff_queue(
    request: Request,
    page: int = 1,
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
    filters: HandoffFilters = Depends(_filters),
) -> Response:
    return _page(request, session, user, filters, page)


def _act(
    request: Request,
    session: Session,
    user: User,
    request_id: int,
    filters: HandoffFilters,
    page: int,
    action,
    notice: str,
) -> Response:
    try:
        action(handoffs.get_request(session, request_id))
        session.commit()
    except CurationError as exc:
        session.rollback()
        return _page(request, session, user, filters, page, exc.message, exc.status)
    return redirect(QUEUE, notice, **page_query(filters.params(), page))


@router.post("/handoffs/{request_id}/assign")
def assign(
    request_id: RowId,
    request: Request,
    page: int = 1,
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
    filters: HandoffFilters = Depends(_filters),
) -> Response:
    return _act(
        request, session, user, request_id, filters, page, lambda row: handoffs.assign(session, user, row), "assigned"
    )


@router.post("/handoffs/{request_id}/note")
def note(
    request_id: RowId,
    request: Request,
    page: int = 1,
    text: str = Form(""),
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
    filters: HandoffFilters = Depends(_filters),
) -> Response:
    save = lambda row: handoffs.save_note(session, user, row, text)  # noqa: E731
    return _act(request, session, user, request_id, filters, page, save, "noted")


@router.post("/handoffs/{request_id}/close")
def close(
    request_id: RowId,
    request: Request,
    page: int = 1,
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
    filters: HandoffFilters = Depends(_filters),
) -> Response:
    return _act(
        request, session, user, request_id, filters, page, lambda row: handoffs.close(session, user, row), "closed"
    )
