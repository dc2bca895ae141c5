"""Legislative-opinion collection pages (立法意见征集): create, publish and close consultations, handle the opinions.

Every staff member sees the list and the responses; reviewers, admins and
legislation staff (the ``legislation`` role an admin grants on the accounts
page, which may do this and nothing else: no entries, no queues) create a consultation (the draft pasted as Markdown or uploaded as .docx and
split into articles by ``knowledge_base.drafts``), publish and close it, mark
each comment 采纳/部分采纳/未采纳 with a reason, publish the feedback notice
residents then see, and download the Excel workbook or print the summary (``/summary``). Every change is audited
by ``knowledge_base.store.consultations``. Residents' page is /consult/<id>
(api/routers/consultations.py).

Questionnaire questions are typed one a line as ``单选｜问题｜选项1、选项2``
(``多选``, or ``填空｜问题`` for free text); events as
``座谈会｜2026-12-20 09:30｜地点｜名额``.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.admin.paging import paginate
from api.admin.rendering import redirect, render
from api.admin.session import PATH, role_required, staff_user
from api.curation.consultation_export import export_filename, export_workbook
from api.curation.consultation_summary import summary
from api.curation.errors import CurationError
from api.curation.views import attachment
from api.dependencies import db_session
from knowledge_base.drafts import Draft, DraftError, parse_docx, parse_markdown
from knowledge_base.store import consultations as store
from knowledge_base.store.models import Role, User

router = APIRouter(prefix=PATH)
LIST = f"{PATH}/consultations"
WRITERS = (Role.REVIEWER, Role.LEGISLATION, Role.ADMIN)  # the legislation role: these pages only, not entries
may_write = role_required(*WRITERS)
MAX_UPLOAD = 5 * 1024 * 1024
GROUPS_PER_PAGE = 20
KINDS = {"单选": "single", "多选": "multiple", "填空": "text"}
SEPARATOR = re.compile(r"[|｜]")
OPTION_SEPARATOR = re.compile(r"[、,，;；/]")
NOTICES = {
    "created": "征求意见项目已创建（草稿），核对条文后即可发布。",
    "published": "已发布，群众现在可以在网页和对话中提交意见。",
    "closed": "已截止，不再接收新的意见。",
    "handled": "处理结果已保存。",
    "feedback": "反馈说明已发布，群众可以在“我的意见”和网页上看到。",
}


def _notice(request: Request) -> str | None:
    return NOTICES.get(request.query_params.get("done", ""))


def _can_write(user: User) -> bool:
    return user.role in {role.value for role in WRITERS}


def _refused(exc: store.ConsultationError) -> CurationError:
    return CurationError(exc.status, exc.message)


def parse_questions(text: str) -> list[store.QuestionSpec]:
    """The questionnaire typed one question a line; a Chinese ``CurationError`` on a malformed line."""
    specs = []
    for number, line in enumerate(filter(None, (line.strip() for line in text.splitlines())), 1):
        parts = [part.strip() for part in SEPARATOR.split(line)]
        kind = KINDS.get(parts[0])
        if kind is None or len(parts) < 2 or not parts[1]:
            raise CurationError(422, f"问卷第{number}行格式不对：应为“单选｜问题｜选项1、选项2”或“填空｜问题”")
        options = [o.strip() for o in OPTION_SEPARATOR.split(parts[2])] if len(parts) > 2 else []
        options = [o for o in options if o]
        if kind != "text" and len(options) < 2:
            raise CurationError(422, f"问卷第{number}行：单选、多选题至少要有两个选项")
        specs.append(store.QuestionSpec(kind, parts[1][:300], options if kind != "text" else []))
    return specs


def parse_events(text: str) -> list[store.EventSpec]:
    specs = []
    for number, line in enumerate(filter(None, (line.strip() for line in text.splitlines())), 1):
        parts = [part.strip() for part in SEPARATOR.split(line)]
        try:
            name, when, place, capacity = parts
            starts_at = datetime.strptime(when, "%Y-%m-%d %H:%M")
            places = int(capacity)
        except ValueError:
            raise CurationError(422, f"活动第{number}行格式不对：应为“座谈会｜2026-12-20 09:30｜地点｜名额”") from None
        if places < 1 or not name or not place:
            raise CurationError(422, f"活动第{number}行：名称、地点不能为空，名额至少为1")
        specs.append(store.EventSpec(name[:100], starts_at, place[:200], places))
    return specs


def _draft(draft_text: str, upload: UploadFile | None) -> Draft:
    try:
        if upload is not None and upload.filename:
            data = upload.file.read(MAX_UPLOAD + 1)
            if len(data) > MAX_UPLOAD:
                raise CurationError(422, "上传的文件超过5MB")
            if not upload.filename.lower().endswith(".docx"):
                raise CurationError(422, "请上传 .docx 格式的 Word 文件，或直接粘贴草案文本")
            return parse_docx(data)
        return parse_markdown(draft_text)
    except DraftError as exc:
        raise CurationError(422, str(exc)) from None


def _comment_counts(session: Session) -> dict[int, int]:
    rows = session.execute(
        select(store.ConsultationComment.consultation_id, func.count(store.ConsultationComment.id)).group_by(
            store.ConsultationComment.consultation_id
        )
    )
    return dict(rows.all())


@router.get("/consultations")
def consultation_list(
    request: Request, page: int = 1, user: User = Depends(staff_user), session: Session = Depends(db_session)
) -> Response:
    rows = list(session.scalars(select(store.Consultation).order_by(store.Consultation.id.desc())))
    return render(
        request,
        "consultations.html",
        {
            "title": "立法意见征集",
            "page": paginate(rows, page, LIST, {}),
            "counts": _comment_counts(session),
            "state_names": store.STATE_NAMES,
            "can_write": _can_write(user),
            "notice": _notice(request),
        },
    )


def _form_page(request: Request, values: dict, error: str | None = None, status_code: int = 200) -> Response:
    return render(
        request,
        "consultation_form.html",
        {"title": "新建征求意见", "values": values, "error": error},
        status_code=status_code,
    )


@router.get("/consultations/new")
def new_consultation(request: Request, user: User = Depends(may_write)) -> Response:
    today = store.beijing_today()
    return _form_page(request, {"opens_on": today.isoformat(), "closes_on": ""})


@router.post("/consultations")
def create_consultation(
    request: Request,
    title: str = Form(""),
    issuer: str = Form(""),
    summary: str = Form(""),
    opens_on: str = Form(""),
    closes_on: str = Form(""),
    draft_text: str = Form(""),
    draft_file: UploadFile | None = File(None),
    questions: str = Form(""),
    events: str = Form(""),
    user: User = Depends(may_write),
    session: Session = Depends(db_session),
) -> Response:
    values = {
        "title": title,
        "issuer": issuer,
        "summary": summary,
        "opens_on": opens_on,
        "closes_on": closes_on,
        "draft_text": draft_text,
        "questions": questions,
        "events": events,
    }
    try:
        if not issuer.strip():
            raise CurationError(422, "请填写起草（发布）单位")
        try:
            first, last = date.fromisoformat(opens_on), date.fromisoformat(closes_on)
        except ValueError:
            raise CurationError(422, "请填写开始和截止日期") from None
        draft = _draft(draft_text, draft_file)
        if not (title.strip() or draft.title):
            raise CurationError(422, "请填写标题（草案中没有“# 标题”行）")
        consultation = store.create_consultation(
            session,
            user,
            title=title.strip()[:200],
            issuer=issuer.strip()[:100],
            summary=summary.strip(),
            opens_on=first,
            closes_on=last,
            draft=draft,
            questions=parse_questions(questions),
            events=parse_events(events),
        )
    except CurationError as exc:
        return _form_page(request, values, exc.message, exc.status)
    except store.ConsultationError as exc:
        return _form_page(request, values, exc.message, exc.status)
    session.commit()
    return redirect(f"{LIST}/{consultation.id}", done="created")


@router.get("/consultations/{consultation_id}")
def consultation_detail(
    consultation_id: int,
    request: Request,
    page: int = 1,
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
) -> Response:
    try:
        consultation = store.get_consultation(session, consultation_id)
    except store.ConsultationError as exc:
        raise _refused(exc) from None
    groups = store.comments_by_article(session, consultation)
    path = f"{LIST}/{consultation.id}"
    events = [
        {"event": event, "signups": store.signups(session, event), "left": store.places_left(session, event)}
        for event in consultation.events
    ]
    return render(
        request,
        "consultation.html",
        {
            "title": consultation.title,
            "consultation": consultation,
            "page": paginate(groups, page, path, {}, GROUPS_PER_PAGE),
            "total": sum(len(group.comments) for group in groups),
            "results": store.questionnaire_results(session, consultation),
            "events": events,
            "state_names": store.STATE_NAMES,
            "handling_names": store.HANDLING_NAMES,
            "can_write": _can_write(user),
            "notice": _notice(request),
        },
    )


def _consultation(session: Session, consultation_id: int) -> store.Consultation:
    try:
        return store.get_consultation(session, consultation_id)
    except store.ConsultationError as exc:
        raise _refused(exc) from None


def _step(session: Session, user: User, consultation_id: int, step, done: str) -> Response:
    """One lifecycle step (``store.publish`` or ``store.close``), committed, back to the consultation's page."""
    consultation = _consultation(session, consultation_id)
    try:
        step(session, user, consultation)
    except store.ConsultationError as exc:
        raise _refused(exc) from None
    session.commit()
    return redirect(f"{LIST}/{consultation_id}", done=done)


@router.post("/consultations/{consultation_id}/publish")
def publish_consultation(
    consultation_id: int, user: User = Depends(may_write), session: Session = Depends(db_session)
) -> Response:
    return _step(session, user, consultation_id, store.publish, "published")


@router.post("/consultations/{consultation_id}/close")
def close_consultation(
    consultation_id: int, user: User = Depends(may_write), session: Session = Depends(db_session)
) -> Response:
    return _step(session, user, consultation_id, store.close, "closed")


@router.post("/consultations/{consultation_id}/comments/{comment_id}")
def handle_comment(
    consultation_id: int,
    comment_id: int,
    handling: str = Form(""),
    reason: str = Form(""),
    page: int = Form(1),
    user: User = Depends(may_write),
    session: Session = Depends(db_session),
) -> Response:
    comment = session.get(store.ConsultationComment, comment_id)
    if comment is None or comment.consultation_id != consultation_id:
        raise CurationError(404, "没有找到这条意见")
    try:
        store.handle_comment(session, user, comment, handling, reason)
    except store.ConsultationError as exc:
        raise _refused(exc) from None
    session.commit()
    query = {"done": "handled", **({"page": page} if page > 1 else {})}
    response = redirect(f"{LIST}/{consultation_id}", **query)
    response.headers["location"] += f"#comment-{comment_id}"
    return response


@router.post("/consultations/{consultation_id}/feedback")
def publish_feedback(
    consultation_id: int,
    feedback: str = Form(""),
    user: User = Depends(may_write),
    session: Session = Depends(db_session),
) -> Response:
    consultation = _consultation(session, consultation_id)
    try:
        store.publish_feedback(session, user, consultation, feedback[:5000])
    except store.ConsultationError as exc:
        raise _refused(exc) from None
    session.commit()
    return redirect(f"{LIST}/{consultation_id}", done="feedback")


@router.get("/consultations/{consultation_id}/summary")
def consultation_summary(
    consultation_id: int, request: Request, user: User = Depends(staff_user), session: Session = Depends(db_session)
) -> Response:
    """The printable summary (figures, charts, every opinion with its handling; no contacts)."""
    report = summary(session, _consultation(session, consultation_id))
    return render(
        request,
        "consultation_summary.html",
        {
            "title": f"{report.consultation.title} · 意见汇总",
            "report": report,
            "state_names": store.STATE_NAMES,
            "handling_names": store.HANDLING_NAMES,
        },
    )


@router.get("/consultations/{consultation_id}/export.xlsx")
def export_consultation(
    consultation_id: int, user: User = Depends(staff_user), session: Session = Depends(db_session)
) -> Response:
    consultation = _consultation(session, consultation_id)
    return Response(
        export_workbook(session, consultation),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={
            "Content-Disposition": attachment(export_filename(consultation), f"consultation-{consultation.id}.xlsx")
        },
    )
