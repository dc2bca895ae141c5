"""Residents' side of legislative-opinion collection: the page ``/consult/<id>`` and its JSON API.

The page (api/static/consult.html, script consult.js) reads
``GET /api/consultations/<id>`` — summary, articles, questionnaire, events
with places left, the published feedback and, for the page's ``sender``, what
it sent and how each opinion was handled once staff published the feedback.
It posts comments (on an article or on the whole draft), the questionnaire
(one per sender, replaced until closing) and sign-ups. Free text is masked
(``api.curation.masking``) before it is stored; a contact is stored as typed,
and only when the resident ticked the consent box; the sender id is stored
only as its hash; a comment's ``message_id`` makes a repeated post harmless.
Refusals (closed, too long, too frequent, full) are 4xx with a polite Chinese
``detail``. Drafts are not visible here.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.curation.masking import mask, sender_hash
from api.dependencies import db_session
from knowledge_base.store import consultations as store

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"  # the web chat page's folder
router = APIRouter(tags=["consultations"])
CONSENT_NEEDED = "留下联系方式前，请先勾选同意工作人员就您的意见与您联系。"

Sender = Field(min_length=1, max_length=128)


class CommentRequest(BaseModel):
    sender: str = Sender
    message_id: str = Field(min_length=8, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")
    text: str = Field(max_length=5000)
    article_id: int | None = None
    contact: str = Field(default="", max_length=200)
    consent: bool = False


class AnswersRequest(BaseModel):
    sender: str = Sender
    answers: dict[str, str | list[str]] = Field(default={}, max_length=50)


class SignupRequest(BaseModel):
    sender: str = Sender
    event_id: int
    name: str = Field(max_length=50)
    contact: str = Field(max_length=200)
    consent: bool = False


class Done(BaseModel):
    ok: bool
    message: str
    id: int | None = None


def _refused(exc: store.ConsultationError) -> HTTPException:
    return HTTPException(exc.status, exc.message)


def _consultation(session: Session, consultation_id: int) -> store.Consultation:
    try:
        return store.get_consultation(session, consultation_id, public=True)
    except store.ConsultationError as exc:
        raise _refused(exc) from None


def _summary(consultation: store.Consultation) -> dict:
    return {
        "id": consultation.id,
        "title": consultation.title,
        "issuer": consultation.issuer,
        "opens_on": consultation.opens_on.isoformat(),
        "closes_on": consultation.closes_on.isoformat(),
        "accepting": consultation.accepting(),
    }


@router.get("/consult/{consultation_id}", include_in_schema=False)
def consultation_page(consultation_id: int) -> FileResponse:
    return FileResponse(STATIC_DIR / "consult.html", media_type="text/html; charset=utf-8")


@router.get("/api/consultations")
def open_consultations(session: Session = Depends(db_session)) -> list[dict]:
    """The consultations taking opinions today, closing soonest first."""
    return [_summary(consultation) for consultation in store.open_consultations(session)]


@router.get("/api/consultations/{consultation_id}")
def consultation_detail(consultation_id: int, sender: str = "", session: Session = Depends(db_session)) -> dict:
    consultation = _consultation(session, consultation_id)
    hashed = sender_hash(sender) if sender else None
    labels = {article.id: article.label for article in consultation.articles}
    feedback_out = consultation.feedback is not None
    mine = [
        {
            "id": comment.id,
            "article": labels.get(comment.article_id, "整体意见"),
            "text": comment.text,
            "handling": store.HANDLING_NAMES.get(comment.handling or "") if feedback_out else None,
            "reason": (comment.reason or "") if feedback_out and comment.handling else "",
        }
        for comment in (store.my_comments(session, consultation, hashed) if hashed else [])
    ]
    return {
        **_summary(consultation),
        "state": consultation.state,
        "summary": consultation.summary,
        "preamble": consultation.preamble,
        "articles": [
            {"id": a.id, "label": a.label, "chapter": a.chapter, "text": a.text} for a in consultation.articles
        ],
        "questions": [
            {"id": q.id, "kind": q.kind, "prompt": q.prompt, "options": q.options} for q in consultation.questions
        ],
        "events": [
            {
                "id": event.id,
                "name": event.name,
                "starts_at": f"{event.starts_at:%Y-%m-%d %H:%M}",
                "place": event.place,
                "left": store.places_left(session, event),
            }
            for event in consultation.events
        ],
        "feedback": consultation.feedback,
        "mine": mine,
        "my_answers": store.my_answers(session, consultation, hashed) if hashed else {},
        "max_comment_chars": store.MAX_COMMENT_CHARS,
    }


@router.post("/api/consultations/{consultation_id}/comments", response_model=Done)
def add_comment(consultation_id: int, request: CommentRequest, session: Session = Depends(db_session)) -> Done:
    consultation = _consultation(session, consultation_id)
    if request.contact.strip() and not request.consent:
        raise HTTPException(422, CONSENT_NEEDED)
    try:
        comment, created = store.add_comment(
            session,
            consultation,
            sender=sender_hash(request.sender),
            channel="web",
            message_id=request.message_id,
            text=mask(request.text),
            article_id=request.article_id,
            contact=request.contact if request.consent else None,
        )
    except store.ConsultationError as exc:
        raise _refused(exc) from None
    session.commit()
    message = "感谢您的意见，我们已经收到。" if created else "这条意见之前已经收到了，不会重复提交。"
    return Done(ok=True, message=message, id=comment.id)


@router.put("/api/consultations/{consultation_id}/answers", response_model=Done)
def save_answers(consultation_id: int, request: AnswersRequest, session: Session = Depends(db_session)) -> Done:
    consultation = _consultation(session, consultation_id)
    answers = {key: mask(value) if isinstance(value, str) else value for key, value in request.answers.items()}
    try:
        store.save_answers(session, consultation, sender=sender_hash(request.sender), channel="web", answers=answers)
    except store.ConsultationError as exc:
        raise _refused(exc) from None
    session.commit()
    return Done(ok=True, message=f"问卷已保存，{consultation.closes_on:%m月%d日}截止前都可以修改。")


@router.post("/api/consultations/{consultation_id}/signups", response_model=Done)
def sign_up(consultation_id: int, request: SignupRequest, session: Session = Depends(db_session)) -> Done:
    consultation = _consultation(session, consultation_id)
    if not request.consent:
        raise HTTPException(422, "报名需要留下联系方式，请先勾选同意工作人员与您联系。")
    try:
        row = store.sign_up(
            session,
            consultation,
            request.event_id,
            sender=sender_hash(request.sender),
            channel="web",
            name=mask(request.name),
            contact=request.contact,
        )
    except store.ConsultationError as exc:
        raise _refused(exc) from None
    session.commit()
    return Done(ok=True, message="报名成功，工作人员会在活动前与您联系确认。", id=row.id)
