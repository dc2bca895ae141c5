"""Page rendering for the admin: the Jinja2 templates, ``render``, redirects with a notice, and the nav bar.

``render(request, "name.html", context)`` fills in what every page needs —
the signed-in ``user``, the form token ``csrf_token``, the ``nav`` links and a
``notice`` named by ``?notice=`` — and sets the CSRF cookie when it is new.
Templates show every date with the ``beijing`` filter (UTC in, Beijing time out).
A nav link shows only when its page is mounted and the user's role may see it,
so pages added later appear in the bar by themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from api.admin import csrf
from api.admin.dates import beijing
from api.curation.auth import ROLE_NAMES
from knowledge_base.store.models import Role, User

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
templates = Jinja2Templates(directory=TEMPLATES_DIR)
templates.env.globals["role_names"] = {role.value: name for role, name in ROLE_NAMES.items()}
templates.env.filters["beijing"] = beijing  # {{ row.updated_at | beijing }} → 2026-11-25 15:30 (Asia/Shanghai)


@dataclass(frozen=True)
class NavLink:
    label: str
    path: str
    roles: tuple[Role, ...] = ()  # empty: every staff role


NAV = [
    NavLink("条目", "/admin/entries"),
    NavLink("待审核", "/admin/review"),
    NavLink("待解决问题", "/admin/unanswered"),
    NavLink("转人工", "/admin/handoffs"),
    NavLink("数据看板", "/admin/dashboard"),
    NavLink("导入导出", "/admin/import"),
    NavLink("服务机构", "/admin/services"),
    NavLink("立法征求意见", "/admin/consultations"),
    NavLink("审计日志", "/admin/audit"),
    NavLink("账号", "/admin/accounts", (Role.ADMIN,)),
]

NOTICES = {
    "created": "草稿已创建。",
    "saved": "已保存为新版本。",
    "submitted": "已提交审核。",
    "approve": "已审核通过并发布，机器人即刻生效。",
    "reject": "已退回给编辑。",
    "archive": "已归档，机器人不再使用该条目。",
    "user_created": "账号已创建。",
    "role_changed": "角色已修改。",
    "logged_out": "您已退出登录。",
    "services_saved": "联系方式已保存，机器人下一次回答即使用。",
    "unanswered_attached": "已把问题加为该条目的新问法（条目回到草稿，审核发布后生效）。",
    "unanswered_dismissed": "已忽略该组问题。",
    "unanswered_dismissed_selected": "已忽略所选的问题组。",
}


def _nav(request: Request, user: User | None) -> list[dict]:
    if user is None:
        return []
    mounted = request.app.state.admin_pages
    return [
        {"label": link.label, "path": link.path, "current": request.url.path.startswith(link.path)}
        for link in NAV
        if link.path in mounted and (not link.roles or user.role in {role.value for role in link.roles})
    ]


def render(request: Request, name: str, context: dict | None = None, status_code: int = 200) -> HTMLResponse:
    """The template ``name`` (under api/admin/templates) rendered as a full page."""
    user = getattr(request.state, "staff_user", None)
    base = {
        "user": user,
        "csrf_token": csrf.token(request),
        "nav": _nav(request, user),
        "notice": NOTICES.get(request.query_params.get("notice", "")),
    }
    response = templates.TemplateResponse(request, name, {**base, **(context or {})}, status_code=status_code)
    csrf.remember_seed(request, response)
    return response


def redirect(path: str, notice: str | None = None, **params: str | int) -> RedirectResponse:
    """A 303 redirect after a POST; ``notice`` is a key of ``NOTICES`` shown on the next page."""
    query = {**params, **({"notice": notice} if notice else {})}
    return RedirectResponse(path + (f"?{urlencode(query)}" if query else ""), status_code=303)
