"""End to end: a supervised stack (what ``farun run`` starts) comes back after ``kill -9`` of each part, under load.

A thread asks a topical question through ``POST /api/chat`` every second while the test kills, one after the
other, Rasa, the action server's main process, the action server's Sanic worker (the process that holds the
listening socket; its death leaves the main process holding the port, so only the real action call of the
health check notices) and the API. After each kill a topical question is answered again, and every request
meanwhile got an answer or the polite busy reply: none empty, none longer than 35 s. While the API itself is
down there is nobody to reply: those requests must be refused at once, not hang. The time to recover is
bounded by the stack's cold start plus 60 s, not by 60 s alone: on a busy 2-core machine Rasa takes two
minutes or more just to load, restarted or not (the numbers are printed; ``-s`` shows them).

This module starts its own stack, not the session's ``stack`` fixture: it kills processes, and the shared
stack is deliberately unsupervised (``tests/e2e/test_tracker_store_e2e.py`` restarts Rasa by hand, which a
supervisor would race).
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import pytest

from api.conversation import BUSY_REPLY
from api.stack import Stack
from knowledge_base.settings import ROOT, log_dir

QUESTION = "老板拖欠工资怎么办"
RECOVERY = 60  # seconds a restart may take beyond the stack's own cold start (Rasa alone loads for minutes here)
LONGEST = 35  # seconds any one request may take
PATIENCE = 600  # how long to wait for an answer after a kill, so that every phase is measured before asserting


@dataclass
class Outcome:
    sent: float
    took: float
    kind: str  # answer | busy | refused | empty | other reply | an error's name


class Load(threading.Thread):
    """One question a second through the API, each from a new sender; every outcome is kept."""

    def __init__(self, api_url: str):
        super().__init__(daemon=True)
        self.client = httpx.Client(base_url=api_url, timeout=LONGEST + 10)
        self.outcomes: list[Outcome] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            sent = time.monotonic()
            kind = self.ask()
            self.outcomes.append(Outcome(sent, time.monotonic() - sent, kind))
            self.done.wait(max(0.0, 1 - (time.monotonic() - sent)))

    def ask(self) -> str:
        try:
            response = self.client.post(
                "/api/chat", json={"sender": f"e2e-sup-{uuid.uuid4().hex[:10]}", "message": QUESTION}
            )
        except httpx.ConnectError:
            return "refused"
        except httpx.HTTPError as exc:
            return type(exc).__name__
        if response.status_code != 200:
            return f"HTTP {response.status_code}"
        replies = response.json()["replies"]
        if not replies or not all(reply["text"] or reply["buttons"] for reply in replies):
            return "empty"
        if any(reply["text"] == BUSY_REPLY for reply in replies):
            return "busy"
        return "answer" if any(reply["entry_ids"] for reply in replies) else "other reply"

    def since(self, moment: float) -> list[Outcome]:
        return [outcome for outcome in list(self.outcomes) if outcome.sent >= moment]


@pytest.fixture(scope="module")
def supervised():
    with tempfile.TemporaryDirectory(prefix="farun-e2e-supervision-") as data_dir:
        built = ROOT / "var" / "index"  # `make index` output: reused, never written
        if built.is_dir():
            shutil.copytree(built, Path(data_dir) / "index")
        saved = {key: os.environ.get(key) for key in ("DATABASE_URL", "FARUN_DATA_DIR")}
        os.environ["DATABASE_URL"] = f"sqlite:///{data_dir}/farun.db"
        os.environ["FARUN_DATA_DIR"] = data_dir
        stack = Stack(supervised=True)
        try:
            began = time.monotonic()
            stack.start()
            yield stack, time.monotonic() - began
        finally:
            stack.stop()
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def sanic_worker(stack: Stack) -> psutil.Process:
    """The action server's child process that listens on its port."""
    main = psutil.Process(stack.processes["actions"].pid)
    for child in main.children(recursive=True):
        if any(c.laddr.port == stack.action_port and c.status == psutil.CONN_LISTEN for c in child.net_connections()):
            return child
    raise AssertionError("the action server has no worker process holding its port")


def kill_and_recover(stack: Stack, load: Load, name: str, pid: int) -> dict:
    """``kill -9 pid``; wait for a topical answer to a question sent after the kill; what happened meanwhile."""
    killed = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    while True:
        answered = [o for o in load.since(killed) if o.kind == "answer"]
        if answered:
            break
        assert time.monotonic() - killed < PATIENCE, f"no answer in {PATIENCE}s since killing {name}"
        time.sleep(0.5)
    between = load.since(killed)[: load.since(killed).index(answered[0]) + 1]
    kinds: dict[str, int] = {}
    for outcome in between:
        kinds[outcome.kind] = kinds.get(outcome.kind, 0) + 1
    return {
        "killed": name,
        "recovered_after": round(answered[0].sent + answered[0].took - killed, 1),
        "requests": len(between),
        "kinds": kinds,
        "longest": round(max(o.took for o in between), 1),
    }


def test_each_part_comes_back_after_kill_9_under_load(supervised):
    stack, cold_start = supervised
    load = Load(stack.api_url)
    load.start()
    report = []
    try:
        time.sleep(5)
        targets = [
            ("rasa", lambda: stack.processes["rasa"].pid),
            ("action server (main process)", lambda: stack.processes["actions"].pid),
            ("action server (Sanic worker)", lambda: sanic_worker(stack).pid),
            ("api", lambda: stack.processes["api"].pid),
        ]
        for name, pid in targets:
            before = stack.pids()
            report.append(kill_and_recover(stack, load, name, pid()))
            assert stack.pids() != before, f"{name}: nothing was restarted"
            time.sleep(5)
    finally:
        load.done.set()
        load.join()
        print(f"\ncold start {cold_start:.0f}s; supervision:", *report, sep="\n  ")
        print("restarts:", stack.supervisor.restarts)
        for name in ("rasa", "actions", "api"):
            lines = (log_dir() / f"{name}.log").read_text(errors="replace").splitlines()
            print(*(line for line in lines if line.startswith("[farun supervisor")), sep="\n")

    for phase in report:
        assert phase["recovered_after"] <= cold_start + RECOVERY, phase
        assert phase["longest"] <= LONGEST, phase
        allowed = {"answer", "busy", "refused"} if phase["killed"] == "api" else {"answer", "busy"}
        assert set(phase["kinds"]) <= allowed, phase
    api_phase = report[-1]
    assert all(o.took < 5 for o in load.outcomes if o.kind == "refused"), api_phase  # refused at once, no hang
