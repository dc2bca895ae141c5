"""The supervisor with real child processes: restarts with backoff after an exit or failed checks, one crash
leaves the others alone, and stopping or restarting a process ends its whole group, grandchildren included."""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from api.stack import free_port
from api.supervisor import Policy, Service, Supervisor

FAST = Policy(
    check_every=0.2,
    retry_every=0.2,
    check_timeout=0.5,
    failures=3,
    start_timeout=20,
    first_delay=0.2,
    max_delay=0.8,
    stable_after=60,
    grace=1,
    poll=0.05,
)


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def wait_for(condition, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.fixture
def supervise():
    started: list[Supervisor] = []

    def run(*services: Service, policy: Policy = FAST) -> Supervisor:
        supervisor = Supervisor(list(services), policy)
        started.append(supervisor)
        supervisor.start()
        supervisor.watch()
        return supervisor

    yield run
    for supervisor in started:
        supervisor.stop()


def http_check(port: int, passed: list[float]):
    def check(timeout: float) -> None:
        httpx.get(f"http://127.0.0.1:{port}/", timeout=timeout).raise_for_status()
        passed.append(time.monotonic())

    return check


def test_a_process_that_exits_is_restarted_with_growing_delays(supervise, tmp_path, caplog):
    starts = tmp_path / "starts"
    code = f"import time; open({str(starts)!r}, 'a').write(f'{{time.monotonic()}}\\n'); raise SystemExit(3)"
    caplog.set_level(logging.WARNING, logger="farun.supervisor")

    supervisor = supervise(Service("flaky", python(code)))
    wait_for(lambda: starts.exists() and len(starts.read_text().split()) >= 5)

    times = [float(line) for line in starts.read_text().split()]
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    for attempt, gap in enumerate(gaps[:4], start=1):
        assert gap >= FAST.delay(attempt)  # 0.2, 0.4, 0.8, 0.8 (the ceiling)
    assert supervisor.restarts["flaky"] >= 4
    messages = [record.getMessage() for record in caplog.records]
    assert "flaky: exited with code 3; restart attempt 1 in 0.2s" in messages
    assert any(m.startswith("flaky: exited with code 3; restart attempt 3") for m in messages)


def test_a_process_that_stops_answering_is_killed_and_restarted(supervise, caplog):
    port, passed = free_port(), []
    caplog.set_level(logging.WARNING, logger="farun.supervisor")
    server = python(f"import http.server as h; h.test(h.SimpleHTTPRequestHandler, port={port})")
    supervisor = supervise(Service("web", server, http_check(port, passed)))
    wait_for(lambda: passed)  # the watcher has seen it healthy
    hung = supervisor.processes["web"]
    os.kill(hung.pid, signal.SIGSTOP)  # keeps its port, answers nothing, ignores SIGTERM: only SIGKILL ends it

    wait_for(lambda: supervisor.processes["web"] is not hung and supervisor.healthy("web"))
    assert hung.returncode == -signal.SIGKILL
    assert any("web: failed 3 health checks in a row (" in r.getMessage() for r in caplog.records)


def test_a_process_that_never_becomes_healthy_is_restarted(supervise):
    never = Policy(**{**FAST.__dict__, "start_timeout": 0.5})

    def failing(timeout: float) -> None:
        raise ConnectionError("nothing listens")

    supervisor = supervise(Service("mute", python("import time; time.sleep(60)"), failing), policy=never)
    first = supervisor.processes["mute"]
    wait_for(lambda: supervisor.restarts["mute"] >= 1)
    assert first.returncode is not None


def test_one_crash_does_not_touch_the_others(supervise):
    supervisor = supervise(
        Service("crashes", python("import time; time.sleep(0.2); raise SystemExit(1)")),
        Service("steady", python("import time; time.sleep(60)")),
    )
    steady = supervisor.processes["steady"]
    wait_for(lambda: supervisor.restarts["crashes"] >= 3)
    assert supervisor.processes["steady"] is steady and steady.poll() is None
    assert supervisor.restarts["steady"] == 0


SPAWNER = """
import signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)  # only SIGKILL ends this one
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
open({path!r}, "w").write(str(child.pid))
time.sleep({life})
"""


def grandchild(path: Path) -> int:
    wait_for(lambda: path.exists() and path.read_text())
    return int(path.read_text())


def test_stop_ends_the_whole_group_grandchildren_included(tmp_path):
    path = tmp_path / "grandchild"
    supervisor = Supervisor([Service("parent", python(SPAWNER.format(path=str(path), life=60)))], FAST)
    supervisor.start()
    supervisor.watch()
    parent = supervisor.processes["parent"].pid
    helper = grandchild(path)

    supervisor.stop()

    assert gone(parent) and gone(helper)
    assert supervisor.processes == {}


def test_a_helper_left_by_a_process_that_exited_is_killed_before_the_restart(supervise, tmp_path):
    path = tmp_path / "grandchild"
    supervisor = supervise(Service("parent", python(SPAWNER.format(path=str(path), life=0.5))))
    orphan = grandchild(path)
    path.unlink()

    wait_for(lambda: supervisor.restarts["parent"] >= 1)
    assert gone(orphan)
