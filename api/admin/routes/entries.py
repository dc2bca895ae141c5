"""Entry pages: the list (filters and search: ``entry_filters``; 50 a page), review queue, editor, workflow actions,
history and diff; the statute picker's JSON (``/admin/statutes``).

Every change goes through ``api.curation.workflow`` (validation, versions,
audit, optimistic locking). A failed save re-renders the editor with exactly
what was typed and the reasons; a stale save additionally shows what the
other person saved and lets the user save again on top of it; a refused quote
shows the article it should come from. A new entry, or a save that changes the
title or questions, first lists the existing entries close to them
(``curation.duplicates``) and saves only when submitted once more (the hidden
``duplicates_ack`` field; forms without it, i.e. scripts, are not checked).
Archiving and rejecting ask for confirmation (the ``confirm`` field). Reviewers
tick entries waiting for review on the lists and publish them in one go: each
is validated and approved on its own (``workflow.approve``: role, state, the
four-eyes rule, the version ticked), and the page lists what was published and
what was refused and why. Other pages that open the editor (the unanswered
queue's new draft) call ``editor_page``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.admin.diff_view import diff_rows, side_by_side
from api.admin.entry_filters import EntryFilters
from api.admin.entry_form import COLLECTION_NAMES, blank_fields, data_to_fields, form_to_data
from api.admin.paging import paginate
from api.admin.preview import bot_preview
from api.admin.rendering import redirect, render
from api.admin.session import PATH, staff_user
from api.curation import duplicates, statute_picker, workflow
from api.curation.auth import require_role
from api.curation.errors import CurationError
from api.curation.field_labels import AREA_NAMES, SIDE_NAMES
from api.dependencies import db_session, get_retriever
from knowledge_base.retrieval.pipeline import Retriever
from knowledge_base.schema import SUMMARY_MAX_CHARS
from knowledge_base.store.models import EntryRow, State, User

router = APIRouter(prefix=PATH)
ACTIONS = {"submit": workflow.submit, "approve": workflow.approve, "archive": workflow.archive}
NOTICE_FOR = {"submit": "submitted", "approve": "approve", "archive": "archive", "reject": "reject"}
STATE_NAMES = {state.value: name for state, name in workflow.STATE_NAMES.items()}
ACK_FIELD = "duplicates_ack"
CONFIRM_TEXT = {
    "archive": "归档后机器人将立即停止使用此条目（可以再编辑、提交审核后重新发布）。确定归档吗？",
    "reject": "退回后条目回到草稿，由编辑按您的意见修改。确定退回吗？",
}
CONFLICT_MESSAGE = (
    "保存冲突：在您编辑期间，其他人已保存了版本 {version}。您的修改尚未保存，也没有覆盖他人的修改；"
    "您输入的内容仍在下方编辑框中，请对照他人的最新内容合并后再保存（请勿刷新页面，以免丢失输入）"
)


@dataclass
class BulkOutcome:
    """What one bulk publish did: (slug, title) published, (slug, title, reason) refused."""

    published: list[tuple[str, str]] = field(default_factory=list)
    refused: list[tuple[str, str, str]] = field(default_factory=list)


def _listing(
    request: Request,
    session: Session,
    title: str,
    filters: EntryFilters,
    page: int,
    outcome: BulkOutcome | None = None,
    status_code: int = 200,
) -> Response:
    query = select(EntryRow).order_by(EntryRow.updated_at.desc())
    if filters.state in STATE_NAMES:
        query = query.where(EntryRow.state == filters.state)
    rows = [row for row in session.scalars(query) if filters.keeps(row)]
    return render(
        request,
        "entries.html",
        {
            "title": title,
            "page": paginate(rows, page, request.url.path, filters.params()),
            "filters": filters,
            "state_names": STATE_NAMES,
            "area_names": AREA_NAMES,
            "side_names": SIDE_NAMES,
            "can_write": user_can_write(request),
            "can_publish": _user_can_publish(request),
            "outcome": outcome,
        },
        status_code=status_code,
    )


def _user_can_publish(request: Request) -> bool:
    user = getattr(request.state, "staff_user", None)
    return user is not None and user.role in {role.value for role in workflow.REVIEWERS}


def user_can_write(request: Request) -> bool:
    user = getattr(request.state, "staff_user", None)
    return user is not None and user.role in {role.value for role in workflow.WRITERS}


def retriever_source() -> Callable[[], Retriever | None]:
    """Dependency: how to get the bot's retriever for near-duplicate checks (called only when one is needed)."""
    return get_retriever


@router.get("/statutes")
def statute_laws(q: str = "", user: User = Depends(staff_user)) -> Response:
    """The laws whose names contain ``q`` (all laws for an empty one), for the editor's statute picker."""
    return JSONResponse([law.model_dump() for law in statute_picker.find_laws(q[:100])])


@router.get("/statutes/article")
def statute_article(law: str = "", article: str = "", user: User = Depends(staff_user)) -> Response:
    """One article's text, or ``{"detail": reason}`` with 404/422."""
    try:
        found = statute_picker.article_text(law[:200], article[:20])
    except CurationError as exc:
        return JSONResponse({"detail": exc.message}, status_code=exc.status)
    return JSONResponse(found.model_dump(exclude={"quote"}))


@router.get("/entries")
def list_entries(
    request: Request,
    state: str = "",
    area: str = "",
    side: str = "",
    needs_citation: str = "",
    q: str = "",
    page: int = 1,
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
) -> Response:
    filters = EntryFilters(q=q, state=state, area=area, side=side, needs_citation=needs_citation)
    return _listing(request, session, "条目", filters, page)


@router.get("/review")
def review_queue(
    request: Request, page: int = 1, user: User = Depends(staff_user), session: Session = Depends(db_session)
) -> Response:
    return _listing(request, session, "待审核", EntryFilters(state=State.IN_REVIEW.value), page)


def _publish_one(session: Session, user: User, ticked: str) -> tuple[str, str]:
    """Validate and approve one ticked entry (``slug:version``): its (slug, title), or a CurationError."""
    slug, _, version = ticked.rpartition(":")
    if not version.isdigit():
        raise CurationError(422, "所选条目无效，请刷新页面后重新勾选")
    row = workflow.get_entry(session, slug)
    workflow.validate_data(session, row.data)
    workflow.approve(session, user, slug, int(version))
    return slug, row.data.get("title", "")


@router.post("/review/publish")
def publish_selected(
    request: Request,
    entry: list[str] = Form([]),
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
) -> Response:
    """Publish every ticked entry on its own; the review list with what was published and what was refused."""
    require_role(user, *workflow.REVIEWERS)
    if not entry:
        raise CurationError(422, "请先勾选要发布的条目")
    outcome = BulkOutcome()
    for ticked in dict.fromkeys(entry):
        try:
            outcome.published.append(_publish_one(session, user, ticked))
        except CurationError as exc:
            session.rollback()
            slug = ticked.rpartition(":")[0]
            row = session.scalar(select(EntryRow).where(EntryRow.slug == slug))
            outcome.refused.append((slug, row.data.get("title", "") if row else "", exc.message))
    status_code = 200 if outcome.published else 422
    filters = EntryFilters(state=State.IN_REVIEW.value)
    return _listing(request, session, "待审核", filters, 1, outcome=outcome, status_code=status_code)


def editor_page(
    request: Request,
    user: User,
    row: EntryRow | None,
    fields: dict,
    *,
    version: int | None = None,
    error: str | None = None,
    conflict: dict | None = None,
    status_code: int = 200,
    form_action: str | None = None,
    similar: list[duplicates.Similar] | None = None,
    acknowledgement: str = "",
    confirming: dict | None = None,
) -> Response:
    """The entry editor page, for this module's routes and any other page that lets staff write an entry.

    ``row`` is the stored entry (its state, actions and version history are shown) or None for a new entry.
    ``fields`` are the form values to show — ``entry_form.data_to_fields(record)``, or what was just posted so a
    failed save loses nothing. ``version`` is the lock version the next save is based on (default: the row's);
    ``error`` a Chinese message shown above the form; ``conflict`` the record someone else saved meanwhile, shown
    beside the form; ``status_code`` the HTTP status (e.g. 422 after a refused save); ``form_action`` sends a new
    entry's form elsewhere than ``/admin/entries/new`` (the unanswered queue posts its draft to its own route).
    ``similar`` lists existing entries close to the posted questions, ``acknowledgement`` the token that saves
    anyway; ``confirming`` is the archive or reject step awaiting confirmation (``action``, ``comment``).
    A refused quote's article is shown from ``fields``.
    """
    cited = {"citations": [*fields.get("citations", []), *fields.get("deadlines", [])]}
    return render(
        request,
        "entry.html",
        {
            "row": row,
            "fields": fields,
            "version": version if version is not None else (row.lock_version if row else 0),
            "error": error,
            "conflict": data_to_fields(conflict) if conflict else None,
            "can_write": user.role in {role.value for role in workflow.WRITERS},
            "can_review": user.role in {role.value for role in workflow.REVIEWERS},
            "state_names": STATE_NAMES,
            "area_names": AREA_NAMES,
            "side_names": SIDE_NAMES,
            "summary_max": SUMMARY_MAX_CHARS,
            "collection_names": {c.value: name for c, name in COLLECTION_NAMES.items()},
            "title": f"编辑：{row.data.get('title', row.slug)}" if row else "新建条目",
            "form_action": form_action,
            "content_version": workflow.content_version(row) if row else 0,
            "articles": statute_picker.misquoted(cited) if error else [],
            "laws": statute_picker.find_laws(""),
            "similar": similar or [],
            "acknowledgement": acknowledgement,
            "ack_field": ACK_FIELD,
            "confirming": confirming,
            "confirm_text": CONFIRM_TEXT,
            "preview": bot_preview(row.data) if row else None,
        },
        status_code=status_code,
    )


@router.get("/entries/new")
def new_entry(request: Request, user: User = Depends(staff_user)) -> Response:
    require_role(user, *workflow.WRITERS)
    return editor_page(request, user, None, blank_fields())


async def entry_data(request: Request) -> dict:
    """Dependency: the entry record the posted editor form describes."""
    return form_to_data(await request.form())


async def duplicates_ack(request: Request) -> str | None:
    """Dependency: the posted near-duplicate acknowledgement ("" before any warning), None when the form has none."""
    value = (await request.form()).get(ACK_FIELD)
    return None if value is None else str(value)


def _similar(
    session: Session,
    source: Callable[[], Retriever | None],
    data: dict,
    ack: str | None,
    row: EntryRow | None = None,
) -> list[duplicates.Similar]:
    """Existing entries close to ``data`` that the user has not yet acknowledged (none for unchanged questions)."""
    token = duplicates.acknowledgement(data)
    if ack is None or ack == token or (row is not None and duplicates.acknowledgement(row.data) == token):
        return []
    return duplicates.near_duplicates(session, source(), data, row.slug if row else None)


@router.post("/entries/new")
def create_entry(
    request: Request,
    data: dict = Depends(entry_data),
    ack: str | None = Depends(duplicates_ack),
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
    source: Callable[[], Retriever | None] = Depends(retriever_source),
) -> Response:
    require_role(user, *workflow.WRITERS)
    similar = _similar(session, source, data, ack)
    if similar:
        token = duplicates.acknowledgement(data)
        return editor_page(
            request, user, None, data_to_fields(data), similar=similar, acknowledgement=token, status_code=409
        )
    try:
        row = workflow.create_entry(session, user, data)
    except CurationError as exc:
        session.rollback()
        return editor_page(request, user, None, data_to_fields(data), error=exc.message, status_code=exc.status)
    return redirect(f"{PATH}/entries/{row.slug}", "created")


@router.get("/entries/{slug}")
def show_entry(
    slug: str, request: Request, user: User = Depends(staff_user), session: Session = Depends(db_session)
) -> Response:
    row = workflow.get_entry(session, slug)
    return editor_page(request, user, row, data_to_fields(row.data))


@router.post("/entries/{slug}")
def save_entry(
    slug: str,
    request: Request,
    version: int = Form(...),
    data: dict = Depends(entry_data),
    ack: str | None = Depends(duplicates_ack),
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
    source: Callable[[], Retriever | None] = Depends(retriever_source),
) -> Response:
    data = {**data, "id": slug}  # the id is never edited
    row = workflow.get_entry(session, slug)
    similar = _similar(session, source, data, ack, row) if user_can_write(request) else []
    if similar:
        token = duplicates.acknowledgement(data)
        fields = data_to_fields(data)
        return editor_page(
            request, user, row, fields, version=version, similar=similar, acknowledgement=token, status_code=409
        )
    try:
        workflow.save_entry(session, user, slug, data, version)
    except CurationError as exc:
        session.rollback()
        row = workflow.get_entry(session, slug)
        conflict = exc.extra.get("current_data")
        message = CONFLICT_MESSAGE.format(version=workflow.content_version(row)) if conflict else exc.message
        return editor_page(
            request,
            user,
            row,
            data_to_fields(data),
            error=message,
            conflict=conflict,
            version=exc.extra.get("current_version", version),
            status_code=exc.status,
        )
    return redirect(f"{PATH}/entries/{slug}", "saved")


@router.post("/entries/{slug}/{action}")
def transition(
    slug: str,
    action: str,
    request: Request,
    version: int = Form(...),
    comment: str = Form(""),
    confirm: str = Form(""),
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
) -> Response:
    if action not in NOTICE_FOR:
        raise CurationError(404, f"未知操作“{action}”")
    if action in CONFIRM_TEXT and confirm != "1":
        row = workflow.get_entry(session, slug)
        if action == "reject" and not comment.strip():
            message = "退回时必须填写修改意见"
            return editor_page(request, user, row, data_to_fields(row.data), error=message, status_code=422)
        require_role(user, *workflow.REVIEWERS)
        step = {"action": action, "comment": comment.strip(), "version": version}
        return editor_page(request, user, row, data_to_fields(row.data), confirming=step)
    try:
        if action == "reject":
            workflow.reject(session, user, slug, version, comment)
        else:
            ACTIONS[action](session, user, slug, version)
    except CurationError as exc:
        session.rollback()
        row = workflow.get_entry(session, slug)
        return editor_page(request, user, row, data_to_fields(row.data), error=exc.message, status_code=exc.status)
    return redirect(f"{PATH}/entries/{slug}", NOTICE_FOR[action])


@router.get("/entries/{slug}/diff")
def diff(
    slug: str,
    request: Request,
    first: int | None = None,
    second: int | None = None,
    view: str = "",
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
) -> Response:
    """Two versions compared: inline (default) or side by side (``view=side``)."""
    row = workflow.get_entry(session, slug)
    latest = len(row.versions)
    second = second or latest
    first = first or max(second - 1, 1)
    rows = diff_rows(workflow.diff_versions(row, first, second, labelled=True))
    headers, pairs = side_by_side(rows)
    return render(
        request,
        "diff.html",
        {
            "row": row,
            "first": first,
            "second": second,
            "versions": row.versions,
            "side": view == "side",
            "rows": rows,
            "headers": headers,
            "pairs": pairs,
            "title": f"版本对比：{row.data.get('title', row.slug)}",
        },
    )
