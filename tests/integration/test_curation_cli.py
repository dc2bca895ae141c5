"""``farun admin create`` and ``farun kb export --yaml`` against a real SQLite database in a temporary data dir."""

from __future__ import annotations

from api.curation import auth
from api.curation.login_throttle import LoginThrottle
from knowledge_base.loader import load_knowledge_base
from knowledge_base.store.db import open_database
from tests.helpers import farun


def test_admin_create_makes_an_account_that_can_sign_in(tmp_path):
    created = farun(tmp_path, "admin", "create", "chief")
    assert created.returncode == 0, created.stderr
    assert "管理员" in created.stdout
    again = farun(tmp_path, "admin", "create", "chief")
    assert again.returncode == 1 and "已存在" in again.stderr
    short = farun(tmp_path, "admin", "create", "other", password="short")
    assert short.returncode == 1 and "密码至少" in short.stderr
    database = open_database(f"sqlite:///{tmp_path / 'farun.db'}")
    with database.session() as session:
        token = auth.login(session, "chief", "first-admin-pw", "127.0.0.1", LoginThrottle())
        assert auth.user_for_token(session, token).role == "admin"
    database.close()


def test_kb_export_yaml_writes_the_published_entries(tmp_path):
    result = farun(tmp_path, "kb", "export", "--yaml", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    exported = load_knowledge_base(tmp_path / "out")
    assert [e.id for e in exported.entries] == [e.id for e in load_knowledge_base().entries]
