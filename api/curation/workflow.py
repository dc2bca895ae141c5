"""The review workflow: draft → in_review → published → archived, with versions, audit and optimistic locking.

Editors (and admins) create and save drafts and submit them; reviewers (and
admins) approve, reject with a comment, or archive. Nobody approves a draft
they submitted or wrote any version of since the entry was last published.
Every save is validated like ``farun kb validate``
(schema, citations and verbatim quotes; reasons in Chinese naming the field)
and stored as a new version; submitting also needs a citation and at least
three questions (a draft may start with one, e.g. from the unanswered queue). A new
entry without an id gets one made from its area and title (``entry_ids``). Each
change must name the ``lock_version`` it was based on; a stale one is a 409
conflict that leaves both copies intact. Staff see one version number: the
count of saved versions (``content_version``), never the lock version. Publishing or archiving bumps the
served-content revision so running retrievers rebuild.
"""

from __future__ import annotations

import difflib

import yaml
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.curation.auth import require_role
from api.curation.entry_ids import generate_id
from api.curation.errors import CurationError
from api.curation.field_labels import relabelled
from api.curation.messages import problem_texts
from knowledge_base.schema import Collection
from knowledge_base.statutes import default_corpus
from knowledge_base.store.models import AuditEvent, EntryRow, EntryVersion, GuideIssueRow, Role, State, User
from knowledge_base.store.records import to_data, to_entry
from knowledge_base.store.revision import bump_revision
from knowledge_base.validator import check_entry, check_questions

STATE_NAMES = {State.DRAFT: "草稿", State.IN_REVIEW: "审核中", State.PUBLISHED: "已发布", State.ARCHIVED: "已归档"}
WRITERS = (Role.EDITOR, Role.ADMIN)
REVIEWERS = (Role.REVIEWER, Role.ADMIN)


def validate_data(session: Session, data: dict) -> dict:
    """The normalised record, or a 422 naming every reason it cannot be saved."""
    try:
        entry = to_entry(data)
    except ValidationError as exc:
        raise CurationError(422, f"条目内容不符合格式要求：{'；'.join(problem_texts(exc))}") from None
    problems = check_entry(entry, default_corpus())
    if problems:
        reasons = "；".join(problem.message for problem in problems)
        raise CurationError(422, f"法条引用无法核实（法规、条号或引文与法条原文不符），不能保存：{reasons}")
    if entry.collection is Collection.GUIDE and session.get(GuideIssueRow, entry.issue) is None:
        raise CurationError(422, f"企业法律风险指引第{entry.issue}期不存在")
    return to_data(entry)


def _audit(session: Session, actor: User, action: str, row: EntryRow, detail: str = "") -> None:
    session.add(AuditEvent(actor_id=actor.id, action=action, target=row.slug, detail=detail))


def _add_version(row: EntryRow, data: dict, actor: User) -> None:
    row.versions.append(EntryVersion(number=len(row.versions) + 1, data=data, author_id=actor.id))


def content_version(row: EntryRow) -> int:
    """The version number staff see: how many versions of the content were saved (the history's last number)."""
    return len(row.versions)


def get_entry(session: Session, slug: str) -> EntryRow:
    row = session.scalar(select(EntryRow).where(EntryRow.slug == slug))
    if row is None:
        raise CurationError(404, f"条目“{slug}”不存在")
    return row


def _locked(session: Session, slug: str, expected_version: int) -> EntryRow:
    row = get_entry(session, slug)
    if row.lock_version != expected_version:
        raise CurationError(
            409,
            f"保存冲突：您打开页面后，该条目已被其他人修改（最新为版本 {content_version(row)}）。"
            "您的修改未保存，他人的修改也未被覆盖；请保留您的内容，刷新后在最新版本上重新修改。",
            {"current_version": row.lock_version, "current_data": row.data, "state": row.state},
        )
    return row


def _require_state(row: EntryRow, action: str, *states: State) -> None:
    if row.state not in {state.value for state in states}:
        raise CurationError(409, f"条目当前状态为“{STATE_NAMES[State(row.state)]}”，不能{action}")


def create_entry(session: Session, actor: User, data: dict) -> EntryRow:
    require_role(actor, *WRITERS)
    if not str(data.get("id") or "").strip():
        data = {**data, "id": generate_id(session, str(data.get("area") or ""), str(data.get("title") or ""))}
    record = validate_data(session, data)
    if session.scalar(select(EntryRow.id).where(EntryRow.slug == record["id"])):
        raise CurationError(409, f"条目编号“{record['id']}”已被使用，请换一个")
    last = session.scalar(select(EntryRow.position).order_by(EntryRow.position.desc()).limit(1)) or 0
    source = (
        session.get(GuideIssueRow, record["issue"]).source_file
        if record["collection"] == Collection.GUIDE.value
        else f"faq/{record['area']}.yml"
    )
    row = EntryRow(
        slug=record["id"],
        state=State.DRAFT.value,
        data=record,
        source_file=source,
        position=last + 1,
        last_editor_id=actor.id,
    )
    _add_version(row, record, actor)
    session.add(row)
    session.flush()
    _audit(session, actor, "create", row)
    session.commit()
    return row


def save_entry(session: Session, actor: User, slug: str, data: dict, expected_version: int) -> EntryRow:
    require_role(actor, *WRITERS)
    row = _locked(session, slug, expected_version)
    _require_state(row, "修改（请等待审核结果）", State.DRAFT, State.PUBLISHED, State.ARCHIVED)
    record = validate_data(session, data)
    if record["id"] != slug:
        raise CurationError(422, "条目编号不能修改")
    row.data = record
    row.state = State.DRAFT.value
    row.last_editor_id = actor.id
    _add_version(row, record, actor)
    _audit(session, actor, "save", row, f"版本 {len(row.versions)}")
    session.commit()
    return row


def submit(session: Session, actor: User, slug: str, expected_version: int) -> EntryRow:
    require_role(actor, *WRITERS)
    row = _locked(session, slug, expected_version)
    _require_state(row, "提交审核", State.DRAFT)
    if not row.data.get("citations"):
        raise CurationError(422, "提交审核前至少需要一条法条引用")
    too_few = check_questions(to_entry(row.data))
    if too_few:
        raise CurationError(422, f"不能提交审核：{too_few}，请补充常见的说法")
    row.state = State.IN_REVIEW.value
    row.submitted_by_id = actor.id
    row.review_comment = None
    _audit(session, actor, "submit", row)
    session.commit()
    return row


def authors_since_last_publish(session: Session, row: EntryRow) -> set[int | None]:
    """Who wrote a version of ``row`` after its latest publication (every version's author if never published)."""
    published_at = session.scalar(
        select(func.max(AuditEvent.at)).where(AuditEvent.target == row.slug, AuditEvent.action == "publish")
    )
    return {v.author_id for v in row.versions if published_at is None or v.created_at > published_at}


def approve(session: Session, actor: User, slug: str, expected_version: int) -> EntryRow:
    require_role(actor, *REVIEWERS)
    row = _locked(session, slug, expected_version)
    _require_state(row, "审核通过", State.IN_REVIEW)
    if actor.id == row.submitted_by_id or actor.id in authors_since_last_publish(session, row):
        raise CurationError(403, "不能审核通过自己撰写或提交的草稿（自上次发布以来您修改过该条目），请由其他审核员审核")
    row.state = State.PUBLISHED.value
    row.published = row.data
    _audit(session, actor, "publish", row)
    bump_revision(session)
    session.commit()
    return row


def reject(session: Session, actor: User, slug: str, expected_version: int, comment: str) -> EntryRow:
    require_role(actor, *REVIEWERS)
    row = _locked(session, slug, expected_version)
    _require_state(row, "退回", State.IN_REVIEW)
    if not comment.strip():
        raise CurationError(422, "退回时必须填写修改意见")
    row.state = State.DRAFT.value
    row.review_comment = comment.strip()
    _audit(session, actor, "reject", row, comment.strip())
    session.commit()
    return row


def archive(session: Session, actor: User, slug: str, expected_version: int) -> EntryRow:
    require_role(actor, *REVIEWERS)
    row = _locked(session, slug, expected_version)
    _require_state(row, "归档", State.PUBLISHED)
    row.state = State.ARCHIVED.value
    row.published = None
    _audit(session, actor, "archive", row)
    bump_revision(session)
    session.commit()
    return row


def diff_versions(row: EntryRow, first: int, second: int, *, labelled: bool = False) -> str:
    """A unified diff between two saved versions of an entry, as YAML text.

    With ``labelled`` the YAML keys are the fields' Chinese names (``field_labels``), as staff pages show them.
    """
    by_number = {version.number: version for version in row.versions}
    missing = [number for number in (first, second) if number not in by_number]
    if missing:
        raise CurationError(404, f"版本 {missing[0]} 不存在")

    def lines(number: int) -> list[str]:
        data = by_number[number].data
        return yaml.safe_dump(relabelled(data) if labelled else data, allow_unicode=True, sort_keys=False).splitlines()

    return "\n".join(difflib.unified_diff(lines(first), lines(second), f"版本 {first}", f"版本 {second}", lineterm=""))
