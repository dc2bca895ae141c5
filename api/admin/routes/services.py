"""Local services directory: every body the bot sends people to, with its address, phone, hours and map note.

Two sections: the district bodies outside the mediation network (the legal-aid
centre, the arbitration commission, labour inspection, the court's service
centre, the public legal service centre, 12345; names only until staff fill
them in) and the mediation network with the disputes each body takes. Any
staff member sees the page; reviewers and admins save a body's contact with
the form in its row. The values are checked by the directory's contact rules
(``knowledge_base.service_data.directory.ContactFields``: a 0519 landline, a
mobile or a national hotline; text without web links), a refused value is
shown again with a Chinese message, and every save is audited. The bot reads
the saved contacts on its next answer (``knowledge_base.store.services.LiveServices``).
The former page /admin/mediation redirects here.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from api.admin.rendering import redirect, render
from api.admin.session import PATH, role_required, staff_user
from api.curation.errors import CurationError
from api.dependencies import db_session
from knowledge_base.service_data.directory import services, with_service_contacts
from knowledge_base.service_data.mediation import mediation_data, with_contacts
from knowledge_base.store.models import Role, User
from knowledge_base.store.services import FIELDS, contact_fields, contact_rows, save_contact

router = APIRouter(prefix=PATH)
EDITORS = (Role.REVIEWER, Role.ADMIN)
may_edit = role_required(*EDITORS)
ERRORS = {
    "phone": "电话格式不对：请填写0519开头的座机号（如0519-86001234）、手机号，或12348、12333、12315等全国热线（区级机构还可填12345）",
    "address": "地址最多100个字，且不能包含网址",
    "hours": "开放时间最多50个字，且不能包含网址",
    "map_note": "位置说明最多100个字，且不能包含网址",
}


def _bodies() -> dict[str, BaseModel]:
    """Every body of the directory by id: the district bodies, then the mediation network."""
    return {body.id: body for body in [*services(), *mediation_data().bodies]}


def _validated(body: BaseModel, values: dict[str, str]) -> BaseModel:
    """``body`` with the typed contact, checked by the directory's rules; a Chinese 422 when refused."""
    try:
        return type(body).model_validate({**body.model_dump(), **values})
    except ValidationError as exc:
        fields = dict.fromkeys(str(error["loc"][0]) for error in exc.errors())
        raise CurationError(422, "；".join(ERRORS[field] for field in fields if field in ERRORS)) from None


def _page(
    request: Request,
    user: User,
    session: Session,
    typed: dict[str, dict[str, str]] | None = None,
    error: tuple[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    contacts = contact_fields(session)
    mediation = with_contacts(mediation_data(), contacts)
    saved = contact_rows(session)
    typed = typed or {}

    def row(body, disputes: list[str] | None = None) -> dict:
        return {
            "body": body,
            "contact": typed.get(body.id) or {field: getattr(body, field) for field in FIELDS},
            "disputes": disputes,
            "saved": saved.get(body.id),
            "error": error[1] if error and error[0] == body.id else None,
        }

    district = [row(body) for body in with_service_contacts(contacts)]
    network = [row(body, [d.label for d in mediation.disputes if body.id in d.bodies]) for body in mediation.bodies]
    return render(
        request,
        "services.html",
        {
            "title": "服务机构",
            "sections": [
                {"id": "district", "title": "区级服务机构", "rows": district},
                {"id": "mediation", "title": "人民调解组织", "rows": network},
            ],
            "errors": [r for r in district + network if r["error"]],
            "editable": user.role in {role.value for role in EDITORS},
        },
        status_code=status_code,
    )


@router.get("/services")
def services_directory(
    request: Request, user: User = Depends(staff_user), session: Session = Depends(db_session)
) -> Response:
    return _page(request, user, session)


@router.get("/mediation")
def mediation_moved() -> Response:
    """The former mediation contacts page is the directory's mediation section now."""
    return RedirectResponse(f"{PATH}/services#mediation", status_code=303)


@router.post("/services/{body_id}")
def save_service_contact(
    body_id: str,
    request: Request,
    address: str = Form(""),
    phone: str = Form(""),
    hours: str = Form(""),
    map_note: str = Form(""),
    user: User = Depends(may_edit),
    session: Session = Depends(db_session),
) -> Response:
    body = _bodies().get(body_id)
    if body is None:
        raise CurationError(404, "没有这个服务机构")
    typed = {"address": address, "phone": phone, "hours": hours, "map_note": map_note}
    try:
        valid = _validated(body, typed)
    except CurationError as exc:
        return _page(request, user, session, {body_id: typed}, (body_id, exc.message), exc.status)
    save_contact(session, user, body_id, {field: getattr(valid, field) for field in FIELDS})
    session.commit()
    return redirect(f"{PATH}/services", "services_saved")
