"""``POST /api/handoffs/{id}/callback``: the web chat's call-back form under a handoff reply.

The page sends its conversation id (``sender``), the phone number, a
convenient time and the consent tick. The request must belong to that
conversation and still be open; the phone must be a mobile (1[3-9] and nine
digits) or a 0519 landline. Refusals are a Chinese 404/409/422. The number is
stored only in the request (``api.curation.handoffs``) and never logged; the
time note is stored masked.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.curation import handoffs
from api.curation.errors import CurationError
from api.dependencies import curation_database
from api.models import RowId, SenderId, UnicodeText
from api.settings import Settings, get_settings
from knowledge_base.store.db import Database

router = APIRouter(prefix="/api/handoffs", tags=["chat"])


class CallbackRequest(BaseModel):
    sender: SenderId
    phone: UnicodeText = Field(max_length=40, description="a mobile number or a 0519 landline")
    time: UnicodeText = Field("", max_length=200, description="when a call suits the resident (free text)")
    consent: bool = Field(False, description="the resident agreed to the number being kept for this call-back")


class CallbackResponse(BaseModel):
    ok: bool
    message: str


def _store(database: Database, request_id: int, body: CallbackRequest, hours: str) -> str:
    with database.session() as session:
        row = handoffs.web_callback(session, request_id, body.sender, body.phone, body.time, body.consent)
        return handoffs.callback_confirmation(row.callback_phone or "", row.callback_time, hours)


@router.post("/{request_id}/callback", response_model=CallbackResponse)
async def leave_callback(
    request_id: RowId,
    body: CallbackRequest,
    database: Database = Depends(curation_database),
    settings: Settings = Depends(get_settings),
) -> CallbackResponse:
    try:
        message = await run_in_threadpool(_store, database, request_id, body, settings.handoff_hours)
    except CurationError as exc:
        raise HTTPException(exc.status, exc.message) from None
    return CallbackResponse(ok=True, message=message)
