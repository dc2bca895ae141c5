"""The audit log page: who did what to which entry or account, and when (newest first, filter by target or actor)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.admin.rendering import render
from api.admin.session import PATH, staff_user
from api.dependencies import db_session
from knowledge_base.store.models import AuditEvent, User

router = APIRouter(prefix=PATH)
LIMIT = 300
ACTION_NAMES = {
    "seed": "从 YAML 导入",
    "create": "新建草稿",
    "save": "保存",
    "submit": "提交审核",
    "publish": "审核通过并发布",
    "reject": "退回",
    "archive": "归档",
    "create_user": "创建账号",
    "change_role": "修改角色",
    "import": "表格导入",
    "unanswered_drafted": "待解决问题转为新条目草稿",
    "unanswered_attached": "待解决问题加为条目问法",
    "unanswered_dismissed": "忽略待解决问题",
    "handoff_open": "新的转人工请求",
    "handoff_callback": "群众留下回电号码",
    "handoff_assign": "接手转人工请求",
    "handoff_note": "填写转人工备注",
    "handoff_close": "转人工处理完毕（删除回电号码）",
    "handoff_purge": "删除超过30天的回电号码",
    "mediation_contact": "修改调解组织联系方式",
    "service_contact": "修改服务机构联系方式",
    "consultation_create": "新建立法意见征集",
    "consultation_publish": "发布立法意见征集",
    "consultation_close": "结束立法意见征集",
    "consultation_handle": "处理群众意见",
    "consultation_feedback": "发布意见采纳情况",
}


@router.get("/audit")
def audit_log(
    request: Request,
    target: str = "",
    actor: str = "",
    user: User = Depends(staff_user),
    session: Session = Depends(db_session),
) -> Response:
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(LIMIT)
    if target.strip():
        query = query.where(AuditEvent.target == target.strip())
    if actor.strip():
        query = query.join(User, AuditEvent.actor_id == User.id).where(User.username == actor.strip())
    return render(
        request,
        "audit.html",
        {
            "title": "审计日志",
            "events": list(session.scalars(query)),
            "target": target,
            "actor": actor,
            "action_names": ACTION_NAMES,
            "limit": LIMIT,
        },
    )
