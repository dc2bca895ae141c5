"""Shared fixtures: the knowledge base, the statute corpus, a retriever, and the whole stack on loopback."""
from __future__ import annotations

import httpx
import pytest

from knowledge_base.loader import load_knowledge_base
from knowledge_base.statutes import default_corpus


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


@pytest.fixture(scope="session")
def stack():
    """Real Rasa server, action server and API, each on a free loopback port; stopped after the session.

    The stack gets its own data folder (database, records, index cache, logs), so tests never touch ``var/``.
    """
    import os
    import tempfile

    from api.stack import Stack

    with tempfile.TemporaryDirectory(prefix="farun-e2e-") as data_dir:
        saved = {key: os.environ.get(key) for key in ("DATABASE_URL", "FARUN_DATA_DIR")}
        os.environ["DATABASE_URL"] = f"sqlite:///{data_dir}/farun.db"
        os.environ["FARUN_DATA_DIR"] = data_dir
        running = Stack()
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
