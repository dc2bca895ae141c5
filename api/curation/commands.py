"""``farun admin create`` (the first administrator, or any account), ``farun kb export`` and ``farun kb import``.

``kb export`` writes the published entries as YAML (``--yaml DIR``) or a
spreadsheet (``--format csv|xlsx --out FILE``, ``--all`` for every working
copy); ``kb import FILE --as USERNAME [--dry-run]`` brings a spreadsheet back
through the review workflow and prints the report.

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

from sqlalchemy import select

from api.curation import auth
from api.curation.errors import CurationError
from api.curation.spreadsheet_export import export_spreadsheet
from api.curation.spreadsheet_files import FORMATS
from api.curation.spreadsheet_import import import_spreadsheet
from knowledge_base.store.export import export_yaml
from knowledge_base.store.models import AuditEvent, Role, User
from knowledge_base.store.seed import open_seeded_database


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


def export_spreadsheet_file(file_format: str, out: Path, working_copies: bool) -> int:
    database = open_seeded_database()
    try:
        with database.session() as session:
            out.write_bytes(export_spreadsheet(session, file_format, working_copies))
    finally:
        database.close()
    print(f"wrote {out}")
    return 0


def cmd_kb_import(args: argparse.Namespace) -> int:
    database = open_seeded_database()
    try:
        with database.session() as session:
            user = session.scalar(select(User).where(User.username == args.as_user))
        if user is None:
            print(f"账号“{args.as_user}”不存在", file=sys.stderr)
            return 1
        report = import_spreadsheet(database, user, args.file.name, args.file.read_bytes(), args.dry_run)
    except CurationError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"无法读取文件：{exc}", file=sys.stderr)
        return 1
    finally:
        database.close()
    for error in report.errors:
        print(f"✗ 第 {error.row} 行{f'（{error.column}）' if error.column else ''}：{error.reason}", file=sys.stderr)
    verdict = "已导入" if report.applied else ("仅检查，未保存" if not report.errors else "有错误，未导入任何内容")
    print(
        f"{verdict}：共 {report.entries} 条，新建 {len(report.created)}，修改 {len(report.updated)}，"
        f"未变 {len(report.unchanged)}，错误 {len(report.errors)}"
    )
    return 1 if report.errors else 0


def add_kb_spreadsheet_options(export: argparse.ArgumentParser, kb: argparse._SubParsersAction) -> None:
    """``--format/--out/--all`` on ``kb export`` and the ``kb import`` command."""
    export.add_argument("--format", choices=list(FORMATS), help="write a spreadsheet instead (needs --out)")
    export.add_argument("--out", type=Path, metavar="FILE", help="spreadsheet file to write")
    export.add_argument("--all", action="store_true", help="every entry's working copy, not only the published ones")
    importer = kb.add_parser("import", help="import a CSV/XLSX spreadsheet as drafts and new versions (all or none)")
    importer.add_argument("file", type=Path)
    importer.add_argument("--as", dest="as_user", required=True, metavar="USERNAME", help="editor or admin account")
    importer.add_argument("--dry-run", action="store_true", help="only check every row, save nothing")
    importer.set_defaults(func=cmd_kb_import)


def add_admin_parser(sub: argparse._SubParsersAction) -> None:
    admin = sub.add_parser("admin", help="staff accounts").add_subparsers(dest="admin_command", required=True)
    create = admin.add_parser("create", help="create a staff account (password from FARUN_ADMIN_PASSWORD or prompt)")
    create.add_argument("username")
    create.add_argument("--role", choices=[role.value for role in Role], default=Role.ADMIN.value)
    create.set_defaults(func=cmd_admin_create)
