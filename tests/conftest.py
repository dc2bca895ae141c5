"""Shared fixtures: the knowledge base, the statute corpus, a retriever, the whole stack on loopback, and the
curation database (a seeded template built once, copied for each test) with the JSON API and admin pages on it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api import admin
from api.curation import auth
from api.routers.curation import install
from knowledge_base.loader import load_knowledge_base
from knowledge_base.statutes import default_corpus
from knowledge_base.store.db import open_database
from knowledge_base.store.models import Role
from knowledge_base.store.seed import seed_if_empty
from tests.helpers import PASSWORD, Staff
from tests.integration.wechat_callbacks import AES_KEY as WECHAT_AES_KEY
from tests.integration.wechat_callbacks import APP_ID as WECHAT_APP_ID
from tests.integration.wechat_callbacks import TOKEN as WECHAT_TOKEN

# Tests never write the checkout's var/: every process they start inherits this data folder.
_DATA_DIR = tempfile.mkdtemp(prefix="farun-tests-")
os.environ["FARUN_DATA_DIR"] = _DATA_DIR
os.environ.pop("DATABASE_URL", None)

TESTS = Path(__file__).resolve().parent
FOLDER_MARKERS = {"e2e": ("e2e",), "browser": ("e2e", "browser")}


def pytest_collection_modifyitems(items):
    """Markers by folder: tests/e2e/ are e2e, tests/browser/ are e2e and browser."""
    for item in items:
        folder = Path(item.fspath).resolve().relative_to(TESTS).parts[0]
        for marker in FOLDER_MARKERS.get(folder, ()):
            item.add_marker(marker)


def pytest_sessionfinish(session):
    shutil.rmtree(_DATA_DIR, ignore_errors=True)


@pytest.fixture(scope="session")
def kb():
    return load_knowledge_base()


@pytest.fixture(scope="session")
def corpus():
    return default_corpus()


@pytest.fixture(scope="session")
def retriever(kb):
    from knowledge_base.retrieval.pipeline import Retriever

    return Retriever(kb.entries)


# The stack's WeChat service account (safe mode, no app secret) and WeCom app, as wechat_callbacks signs for them.
STACK_CHANNELS = {
    "FARUN_WECHAT_TOKEN": WECHAT_TOKEN,
    "FARUN_WECHAT_AES_KEY": WECHAT_AES_KEY,
    "FARUN_WECHAT_APPID": WECHAT_APP_ID,
    "FARUN_WECOM_TOKEN": WECHAT_TOKEN,
    "FARUN_WECOM_AES_KEY": WECHAT_AES_KEY,
    "FARUN_WECOM_CORP_ID": WECHAT_APP_ID,
}


@pytest.fixture(scope="session")
def stack():
    """Real Rasa server, action server and API, each on a free loopback port; stopped after the session.

    The stack gets its own data folder (database, index cache, logs), so tests never touch ``var/``.
    """
    from api.stack import Stack
    from knowledge_base.settings import ROOT

    with tempfile.TemporaryDirectory(prefix="farun-e2e-") as data_dir:
        built = ROOT / "var" / "index"  # `make index` ran before the e2e tests: reuse it, never write var/
        if built.is_dir():
            shutil.copytree(built, Path(data_dir) / "index")
        environment = {"DATABASE_URL": f"sqlite:///{data_dir}/farun.db", "FARUN_DATA_DIR": data_dir}
        saved = {key: os.environ.get(key) for key in environment}
        os.environ.update(environment)
        running = Stack(extra_env=STACK_CHANNELS)  # the processes only: in-process WeChat tests keep their own
        try:
            running.start()
            yield running
        finally:
            running.stop()
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


@pytest.fixture
def chat(stack):
    """Send one message as ``sender`` through POST /api/chat and return the JSON response."""
    client = httpx.Client(base_url=stack.api_url, timeout=60)

    def send(sender: str, message: str) -> dict:
        response = client.post("/api/chat", json={"sender": sender, "message": message})
        assert response.status_code == 200, response.text
        return response.json()

    yield send
    client.close()


@pytest.fixture(scope="session")
def seeded_file(tmp_path_factory):
    """A migrated, seeded curation database with accounts editor, editor2, reviewer and admin (password
    ``tests.helpers.PASSWORD``), built once per session; tests only ever see copies of it."""
    path = tmp_path_factory.mktemp("curation") / "template.db"
    db = open_database(f"sqlite:///{path}")
    with db.session() as session:
        seed_if_empty(session)
        for name, role in (
            ("editor", Role.EDITOR),
            ("editor2", Role.EDITOR),
            ("reviewer", Role.REVIEWER),
            ("admin", Role.ADMIN),
        ):
            auth.create_user(session, name, PASSWORD, role)
        session.commit()
    db.close()
    return path


@pytest.fixture
def database(seeded_file, tmp_path):
    """This test's own copy of the seeded database, at ``tmp_path / "farun.db"``."""
    copy = tmp_path / "farun.db"
    shutil.copyfile(seeded_file, copy)
    db = open_database(f"sqlite:///{copy}")
    yield db
    db.close()


@pytest.fixture
def session(database):
    with database.session() as opened:
        yield opened


@pytest.fixture
def client(database):
    """The curation JSON API in-process on this test's database."""
    app = FastAPI()
    install(app)
    app.state.curation_db = database
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def as_user(client):
    """Function ``(username) -> headers`` with a bearer token from signing in through ``client``."""

    def headers(name: str) -> dict:
        response = client.post("/api/curation/login", json={"username": name, "password": PASSWORD})
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['token']}"}

    return headers


@pytest.fixture
def app(database, tmp_path, monkeypatch):
    """The JSON API and the admin pages in-process on this test's database, with ``tmp_path`` as data folder."""
    monkeypatch.setenv("FARUN_DATA_DIR", str(tmp_path))
    application = FastAPI()
    install(application)
    admin.install(application)
    application.state.curation_db = database
    return application


@pytest.fixture
def staff(app):
    """Function ``(username) -> Staff``: that user signed in to the admin pages with their own cookies."""
    return lambda name: Staff(app, name)
