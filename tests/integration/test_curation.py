"""Curation: migrations, seeding, YAML round trip, sign-in, and the review workflow through the real JSON API."""

from __future__ import annotations

import shutil
import statistics
import time

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, inspect, select, text

from api.curation import auth, workflow
from api.curation.login_throttle import USERNAME, Limit, LoginThrottle
from api.routers import unanswered
from api.routers.curation import install
from knowledge_base.loader import ENTRIES_DIR, load_knowledge_base
from knowledge_base.store.db import alembic_config, make_engine
from knowledge_base.store.export import export_yaml
from knowledge_base.store.models import Base, EntryRow
from knowledge_base.store.seed import seed_if_empty
from tests.helpers import PASSWORD, new_entry


def test_migrations_match_models_and_sqlite_runs_in_wal(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    command.upgrade(alembic_config(engine), "head")
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    command.downgrade(alembic_config(engine), "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    engine.dispose()


def test_seed_loads_every_yaml_entry_once(database):
    kb = load_knowledge_base()
    with database.session() as session:
        assert seed_if_empty(session) == 0  # already seeded by the fixture
        assert session.scalar(select(func.count()).select_from(EntryRow)) == len(kb.entries)
        assert session.scalar(select(func.count()).select_from(EntryRow).where(EntryRow.state != "published")) == 0
    assert database.revision() == 1


def test_export_round_trips_to_the_yaml_layout(database, tmp_path):
    with database.session() as session:
        export_yaml(session, tmp_path / "entries")
    original, exported = load_knowledge_base(), load_knowledge_base(tmp_path / "entries")
    assert [e.model_dump() for e in exported.entries] == [e.model_dump() for e in original.entries]
    assert exported.issues == original.issues


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(client) -> Clock:
    """The app's sign-in throttle on a clock the test moves (all sign-ins together: 30 free failures)."""
    frozen = Clock()
    client.app.state.login_throttle = LoginThrottle(overall=Limit(free=30, longest=10), clock=frozen)
    return frozen


def sign_in(client, address: str, username: str, password: str = PASSWORD):
    """``POST /api/curation/login`` from the client address ``address``."""
    other = TestClient(client.app, client=(address, 50000))
    return other.post("/api/curation/login", json={"username": username, "password": password})


def test_failed_logins_delay_with_retry_after_and_never_lock_the_owner_out(client, clock):
    for _ in range(USERNAME.free):
        refused = sign_in(client, "10.0.0.66", "editor", "wrong-password")
        assert refused.status_code == 401 and refused.json()["detail"] == "用户名或密码错误"
    delayed = sign_in(client, "10.0.0.66", "editor", "wrong-password")
    assert delayed.status_code == 429 and delayed.headers["Retry-After"] == "1"
    assert delayed.json()["detail"] == "登录失败次数过多，请 1 秒后再试"
    assert sign_in(client, "10.0.0.7", "reviewer").status_code == 200  # other accounts are not touched
    throttle = client.app.state.login_throttle
    for number in range(20):  # strangers keep guessing from ever new addresses, as fast as they are let
        clock.now += throttle.retry_after(f"10.0.1.{number}", "editor")
        assert sign_in(client, f"10.0.1.{number}", "editor", "wrong-password").status_code == 401
    owner = sign_in(client, "10.0.0.7", "editor")
    assert owner.status_code == 429 and int(owner.headers["Retry-After"]) <= USERNAME.longest
    clock.now += int(owner.headers["Retry-After"])
    assert sign_in(client, "10.0.0.7", "editor").status_code == 200  # a wait, never a lock-out


def test_one_client_trying_many_names_gets_429_and_all_sign_ins_together_are_limited(client, clock):
    for number in range(10):
        assert sign_in(client, "10.0.0.66", f"guess-{number}").status_code == 401
    assert sign_in(client, "10.0.0.66", "guess-10").status_code == 429
    for number in range(10, 30):
        assert sign_in(client, f"10.0.2.{number}", f"guess-{number}").status_code == 401
    everyone = sign_in(client, "10.0.0.8", "reviewer")
    assert everyone.status_code == 429 and everyone.headers["Retry-After"] == "1"


def test_an_unknown_username_takes_as_long_to_refuse_as_a_known_one(session):
    throttle = LoginThrottle(client=Limit(100, 1), username=Limit(100, 1), overall=Limit(100, 1))

    def seconds(username: str) -> float:
        started = time.perf_counter()
        with pytest.raises(auth.AuthError):
            auth.login(session, username, "wrong-password", "10.0.0.1", throttle)
        return time.perf_counter() - started

    seconds("nobody")  # the dummy hash is made once
    # interleaved, so a busy machine slows both kinds alike
    pairs = [(seconds("editor"), seconds(f"nobody-{number}")) for number in range(9)]
    known = statistics.median(pair[0] for pair in pairs)
    unknown = statistics.median(pair[1] for pair in pairs)
    assert 0.5 < unknown / known < 2, (known, unknown)


def test_routes_need_a_valid_token_and_logout_revokes_it(client, as_user):
    assert client.get("/api/curation/entries").status_code == 401
    assert client.get("/api/curation/entries", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    headers = as_user("editor")
    assert client.get("/api/curation/entries", headers=headers).status_code == 200
    assert client.post("/api/curation/logout", headers=headers).status_code == 204
    assert client.get("/api/curation/entries", headers=headers).status_code == 401


def test_draft_to_published_to_archived(client, as_user, database):
    editor, reviewer = as_user("editor"), as_user("reviewer")
    created = client.post("/api/curation/entries", json={"data": new_entry()}, headers=editor)
    assert created.status_code == 201, created.text
    assert created.json()["state"] == "draft" and not created.json()["served"]
    edited = new_entry(title="试用期工资被拖欠该找谁")
    saved = client.put(
        "/api/curation/entries/wage-test-new",
        json={"data": edited, "version": created.json()["version"]},
        headers=editor,
    ).json()
    submitted = client.post(
        "/api/curation/entries/wage-test-new/submit", json={"version": saved["version"]}, headers=editor
    ).json()
    assert submitted["state"] == "in_review"
    not_allowed = client.post(
        "/api/curation/entries/wage-test-new/approve", json={"version": submitted["version"]}, headers=editor
    )
    assert not_allowed.status_code == 403 and "审核员" in not_allowed.json()["detail"]
    revision = database.revision()
    published = client.post(
        "/api/curation/entries/wage-test-new/approve", json={"version": submitted["version"]}, headers=reviewer
    ).json()
    assert published["state"] == "published" and published["published"]["title"] == "试用期工资被拖欠该找谁"
    assert database.revision() == revision + 1
    archived = client.post(
        "/api/curation/entries/wage-test-new/archive", json={"version": published["version"]}, headers=reviewer
    ).json()
    assert archived["state"] == "archived" and archived["published"] is None
    assert database.revision() == revision + 2

    versions = client.get("/api/curation/entries/wage-test-new/versions", headers=editor).json()
    assert [(v["number"], v["author"]) for v in versions] == [(1, "editor"), (2, "editor")]
    diff = client.get("/api/curation/entries/wage-test-new/diff?first=1&second=2", headers=editor).json()["diff"]
    assert "-title: 试用期工资被拖欠怎么办" in diff and "+title: 试用期工资被拖欠该找谁" in diff
    actions = [
        event["action"] for event in client.get("/api/curation/audit?target=wage-test-new", headers=reviewer).json()
    ]
    assert actions == ["archive", "publish", "submit", "save", "create"]


def test_editing_a_published_entry_keeps_serving_the_old_answer_until_approved(client, as_user):
    editor = as_user("editor")
    current = client.get("/api/curation/entries/wage-unpaid-basic", headers=editor).json()
    changed = {**current["data"], "title": "老板欠薪怎么办"}
    saved = client.put(
        "/api/curation/entries/wage-unpaid-basic", json={"data": changed, "version": current["version"]}, headers=editor
    ).json()
    assert saved["state"] == "draft" and saved["published"] == current["published"]


def test_reviewer_cannot_approve_their_own_draft(client, as_user):
    admin = as_user("admin")
    created = client.post("/api/curation/entries", json={"data": new_entry()}, headers=admin).json()
    submitted = client.post(
        "/api/curation/entries/wage-test-new/submit", json={"version": created["version"]}, headers=admin
    ).json()
    response = client.post(
        "/api/curation/entries/wage-test-new/approve", json={"version": submitted["version"]}, headers=admin
    )
    assert response.status_code == 403 and "自己" in response.json()["detail"]


def test_nobody_publishes_a_text_they_wrote_a_version_of_since_it_was_last_published(client, as_user):
    editor, admin, reviewer = as_user("editor"), as_user("admin"), as_user("reviewer")

    def act(path: str, version: int, headers: dict, data: dict | None = None):
        url = f"/api/curation/entries/wage-test-new{path}"
        if data is None:
            return client.post(url, json={"version": version}, headers=headers)
        return client.put(url, json={"data": data, "version": version}, headers=headers)

    version = client.post("/api/curation/entries", json={"data": new_entry()}, headers=editor).json()["version"]
    version = act("", version, admin, new_entry(answer=new_entry()["answer"] + "（管理员改写）")).json()["version"]
    version = act("", version, editor, new_entry(title="试用期工资被拖欠该找谁")).json()["version"]
    version = act("/submit", version, editor).json()["version"]
    refused = act("/approve", version, admin)  # neither the last editor nor the submitter, but wrote version 2
    assert refused.status_code == 403 and "自上次发布以来" in refused.json()["detail"]
    version = act("/approve", version, reviewer).json()["version"]
    version = act("", version, editor, new_entry(title="试用期工资拖欠找谁要")).json()["version"]
    version = act("/submit", version, editor).json()["version"]
    published = act("/approve", version, admin)  # the admin's version came before the last publication
    assert published.status_code == 200 and published.json()["published"]["title"] == "试用期工资拖欠找谁要"


@pytest.mark.parametrize("limit", ["-1", "0", "501", "100000000000000000000", "ten"])
def test_the_audit_log_limit_is_checked(client, as_user, limit):
    assert client.get(f"/api/curation/audit?limit={limit}", headers=as_user("reviewer")).status_code == 422


def test_the_audit_log_gives_the_latest_events_up_to_the_limit(client, as_user):
    editor = as_user("editor")
    client.post("/api/curation/entries", json={"data": new_entry()}, headers=editor)
    client.post("/api/curation/entries", json={"data": new_entry("wage-test-other")}, headers=editor)
    latest = client.get("/api/curation/audit?limit=1", headers=as_user("reviewer")).json()
    assert [(event["action"], event["target"]) for event in latest] == [("create", "wage-test-other")]


@pytest.mark.parametrize(
    "url",
    [
        "/api/curation/entries/wage-unpaid-basic/diff?first=1&second=99999999999999999999",
        "/api/curation/entries/wage-unpaid-basic/diff?first=0&second=1",
        "/api/curation/unanswered/99999999999999999999/draft",
        "/api/curation/unanswered/0/draft",
    ],
)
def test_numbers_beyond_what_the_database_holds_are_refused(database, url):
    app = FastAPI()
    install(app)
    app.include_router(unanswered.router)
    app.state.curation_db = database
    staff = TestClient(app)
    token = staff.post("/api/curation/login", json={"username": "editor", "password": PASSWORD}).json()["token"]
    assert staff.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 422


def test_reject_needs_a_comment_and_returns_the_draft(client, as_user):
    editor, reviewer = as_user("editor"), as_user("reviewer")
    created = client.post("/api/curation/entries", json={"data": new_entry()}, headers=editor).json()
    submitted = client.post(
        "/api/curation/entries/wage-test-new/submit", json={"version": created["version"]}, headers=editor
    ).json()
    empty = client.post(
        "/api/curation/entries/wage-test-new/reject",
        json={"version": submitted["version"], "comment": " "},
        headers=reviewer,
    )
    assert empty.status_code == 422 and "意见" in empty.json()["detail"]
    rejected = client.post(
        "/api/curation/entries/wage-test-new/reject",
        json={"version": submitted["version"], "comment": "请补充仲裁时效"},
        headers=reviewer,
    ).json()
    assert rejected["state"] == "draft" and rejected["review_comment"] == "请补充仲裁时效"


@pytest.mark.parametrize(
    "citation, reason",
    [
        ({"law": "劳动合同法", "article": "第九百条", "quote": "向劳动者及时足额支付劳动报酬"}, "劳动合同法"),
        ({"law": "劳动合同法", "article": "第三十条", "quote": "用人单位可以随意扣发工资"}, "用人单位可以随意扣发工资"),
        ({"law": "不存在的法", "article": "第一条", "quote": "这是一段引文"}, "不存在的法"),
    ],
)
def test_a_citation_that_does_not_check_out_cannot_be_saved(client, as_user, citation, reason):
    editor = as_user("editor")
    response = client.post("/api/curation/entries", json={"data": new_entry(citations=[citation])}, headers=editor)
    assert response.status_code == 422
    assert response.json()["detail"].startswith("法条引用无法核实") and reason in response.json()["detail"]
    assert client.get("/api/curation/entries/wage-test-new", headers=editor).status_code == 404


def test_an_entry_without_citation_can_be_saved_but_not_submitted(client, as_user):
    editor = as_user("editor")
    created = client.post("/api/curation/entries", json={"data": new_entry(citations=[])}, headers=editor).json()
    response = client.post(
        "/api/curation/entries/wage-test-new/submit", json={"version": created["version"]}, headers=editor
    )
    assert response.status_code == 422 and "引用" in response.json()["detail"]


def test_schema_problems_are_plain_chinese_naming_each_field(client, as_user):
    data = {key: value for key, value in new_entry(id="Wage Test", title="拖").items() if key != "answer"}
    data["citations"] = [{"law": "劳动合同法", "article": "第三十条"}]
    response = client.post("/api/curation/entries", json={"data": data}, headers=as_user("editor"))
    assert response.status_code == 422 and set(response.json()) == {"detail"}
    detail = response.json()["detail"]
    for reason in ("「编号」只能用小写字母", "「标题」至少需要 2 个字", "「法条引用」第 1 条「引文」不能为空"):
        assert reason in detail
    assert not any(english in detail for english in ("Field required", "Input should", "String should", "Value error"))
    no_answer = client.post(
        "/api/curation/entries", json={"data": {**new_entry(), "answer": ""}}, headers=as_user("editor")
    ).json()["detail"]
    assert no_answer == "条目内容不符合格式要求：居民常见问题必须填写「解答」"


def test_a_draft_may_have_one_question_but_needs_three_to_be_submitted(client, as_user):
    editor = as_user("editor")
    created = client.post(
        "/api/curation/entries", json={"data": new_entry(questions=["试用期工资被拖欠怎么办"])}, headers=editor
    )
    assert created.status_code == 201, created.text
    refused = client.post(
        "/api/curation/entries/wage-test-new/submit", json={"version": created.json()["version"]}, headers=editor
    )
    assert refused.status_code == 422 and "「用户问法」至少需要 3 条（现有 1 条）" in refused.json()["detail"]
    assert client.get("/api/curation/entries/wage-test-new", headers=editor).json()["state"] == "draft"
    saved = client.put(
        "/api/curation/entries/wage-test-new",
        headers=editor,
        json={"data": new_entry(), "version": created.json()["version"]},
    ).json()
    submitted = client.post(
        "/api/curation/entries/wage-test-new/submit", json={"version": saved["version"]}, headers=editor
    )
    assert submitted.status_code == 200 and submitted.json()["state"] == "in_review"


def test_concurrent_edits_conflict_and_lose_nothing(client, as_user):
    first, second = as_user("editor"), as_user("editor2")
    created = client.post("/api/curation/entries", json={"data": new_entry()}, headers=first).json()
    version = created["version"]
    ok = client.put(
        "/api/curation/entries/wage-test-new",
        json={"data": new_entry(title="第一位编辑的标题"), "version": version},
        headers=first,
    )
    assert ok.status_code == 200
    conflict = client.put(
        "/api/curation/entries/wage-test-new",
        json={"data": new_entry(title="第二位编辑的标题"), "version": version},
        headers=second,
    )
    assert conflict.status_code == 409
    body = conflict.json()
    assert "保存冲突" in body["detail"] and body["current_data"]["title"] == "第一位编辑的标题"
    assert (
        client.get("/api/curation/entries/wage-test-new", headers=second).json()["data"]["title"] == "第一位编辑的标题"
    )


def test_only_admins_create_accounts(client, as_user):
    body = {"username": "newreviewer", "password": PASSWORD, "role": "reviewer"}
    assert client.post("/api/curation/users", json=body, headers=as_user("editor")).status_code == 403
    assert client.post("/api/curation/users", json=body, headers=as_user("admin")).status_code == 201
    assert client.post("/api/curation/users", json=body, headers=as_user("admin")).status_code == 409
    assert client.post("/api/curation/login", json={"username": "newreviewer", "password": PASSWORD}).status_code == 200


def test_a_changed_yaml_edition_reseeds_only_a_never_curated_database(tmp_path, as_user, client, database):
    entries = tmp_path / "entries"
    shutil.copytree(ENTRIES_DIR, entries)
    with database.session() as session:
        assert seed_if_empty(session, entries) == 0  # same YAML: nothing to do
    first = entries / "faq" / "wage_arrears.yml"
    first.write_text(
        first.read_text(encoding="utf-8").replace("title: 老板拖欠工资怎么办", "title: 老板欠薪怎么办", 1),
        encoding="utf-8",
    )
    with database.session() as session:
        assert seed_if_empty(session, entries) == len(load_knowledge_base().entries)
        assert workflow.get_entry(session, "wage-unpaid-basic").published["title"] == "老板欠薪怎么办"
    client.post("/api/curation/entries", json={"data": new_entry()}, headers=as_user("editor"))
    first.write_text(
        first.read_text(encoding="utf-8").replace("title: 老板欠薪怎么办", "title: 拖欠工资", 1), encoding="utf-8"
    )
    with database.session() as session:
        assert seed_if_empty(session, entries) == 0  # curated: the database is the source of truth
        assert workflow.get_entry(session, "wage-test-new").state == "draft"
