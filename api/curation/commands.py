"""``farun admin create`` (the first administrator, or any account) and ``farun kb export --yaml DIR``.

The password is read from ``FARUN_ADMIN_PASSWORD`` when set (for scripts),
otherwise asked for twice at the terminal; it is never taken from the
command line, where it would land in the shell history.
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from api.curation import auth
from api.curation.export import export_yaml
from api.curation.models import AuditEvent, Role
from api.curation.seed import open_seeded_database


def _password() -> str:
    if os.environ.get("FARUN_ADMIN_PASSWORD"):
        return os.environ["FARUN_ADMIN_PASSWORD"]
    first = getpass.getpass("密码：")
    if first != getpass.getpass("再次输入密码："):
        raise auth.AuthError(422, "两次输入的密码不一致")
    return first


def cmd_admin_create(args: argparse.Namespace) -> int:
    database = open_seeded_database()
    try:
        with database.session() as session:
            user = auth.create_user(session, args.username, _password(), Role(args.role))
            session.add(AuditEvent(action="create_user", target=user.username, detail=f"{user.role}（命令行）"))
            session.commit()
    except auth.AuthError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    finally:
        database.close()
    print(f"已创建账号 {args.username}（{auth.ROLE_NAMES[Role(args.role)]}）")
    return 0


def export_published_yaml(root: Path) -> int:
    database = open_seeded_database()
    try:
        with database.session() as session:
            written = export_yaml(session, root)
    finally:
        database.close()
    print(f"wrote {len(written)} files under {root}")
    return 0


def add_admin_parser(sub: argparse._SubParsersAction) -> None:
    admin = sub.add_parser("admin", help="staff accounts").add_subparsers(dest="admin_command", required=True)
    create = admin.add_parser("create", help="create a staff account (password from FARUN_ADMIN_PASSWORD or prompt)")
    create.add_argument("username")
    create.add_argument("--role", choices=[role.value for role in Role], default=Role.ADMIN.value)
    create.set_defaults(func=cmd_admin_create)
