"""Mediation contacts page: every body of the mediation network with its disputes, and its address, phone, hours.

Any staff member sees the table; reviewers and admins save a body's contact
with the form in its row. The values are checked by the mediation data
model's own rules (``knowledge_base.service_data.mediation.Body``: a 0519 landline, a mobile or a
national hotline; an address without web links), a refused value is shown
again with a Chinese message, and every save is audited. The bot reads the
saved contacts on its next mediation answer (api/curation/mediation_contacts.py).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from api.admin.rendering import redirect, render
from api.admin.session import PATH, role_required, staff_user
from api.curation.errors import CurationError
from api.dependencies import db_session
from knowledge_base.service_data.mediation import Body, MediationData, mediation_data, with_contacts
from knowledge_base.store.contacts import FIELDS, contact_fields, contact_rows, save_contact
from knowledge_base.store.models import Role, User

router = APIRouter(prefix=PATH)
EDITORS = (Role.REVIEWER, Role.ADMIN)
may_edit = role_required(*EDITORS)
ERRORS = {
    "phone": "电话格式不对：请填写0519开头的座机号（如0519-86001234）、手机号，或12348、12333、12315等全国热线",
    "address": "地址最多100个字，且不能包含网址",
    "hours": "开放时间最多50个字，且不能包含网址",
}


def _validated(body: Body, values: dict[str, str]) -> Body:
    """``body`` with the typed contact, checked by the mediation data model; a Chinese 422 when refused."""
    try:
        return Body.model_validate({**body.model_dump(), **values})
    except ValidationError as exc:
        fields = dict.fromkeys(str(error["loc"][0]) for error in exc.errors())
        raise CurationError(422, "；".join(ERRORS[field] for field in fields)) from None


def _page(
    request: Request,
    user: User,
    session: Session,
    typed: dict[str, dict[str, str]] | None = None,
    error: tuple[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    data: MediationData = with_contacts(mediation_data(), contact_fields(session))
    saved = contact_rows(session)
    typed = typed or {}
    rows = [
        {
            "body": body,
            "contact": typed.get(body.id) or {field: getattr(body, field) for field in FIELDS},
            "disputes": [d.label for d in data.disputes if body.id in d.bodies],
            "saved": saved.get(body.id),
            "error": error[1] if error and error[0] == body.id else None,
        }
        for body in data.bodies
    ]
    return render(
        request,
        "mediation.html",
        {"title": "调解组织", "rows": rows, "editable": user.role in {role.value for role in EDITORS}},
        status_code=status_code,
    )


@router.get("/mediation")
def mediation_bodies(
    request: Request, user: User = Depends(staff_user), session: Session = Depends(db_session)
) -> Response:
    return _page(request, user, session)


@router.post("/mediation/{body_id}")
def save_mediation_contact(
    body_id: str,
    request: Request,
    address: str = Form(""),
    phone: str = Form(""),
    hours: str = Form(""),
    user: User = Depends(may_edit),
    session: Session = Depends(db_session),
) -> Response:
    body = next((b for b in mediation_data().bodies if b.id == body_id), None)
    if body is None:
        raise CurationError(404, "没有这个调解组织")
    typed = {"address": address, "phone": phone, "hours": hours}
    try:
        valid = _validated(body, typed)
    except CurationError as exc:
        return _page(request, user, session, {body_id: typed}, (body_id, exc.message), exc.status)
    save_contact(session, user, body_id, {field: getattr(valid, field) for field in FIELDS})
    session.commit()
    return redirect(f"{PATH}/mediation", "mediation_saved")
