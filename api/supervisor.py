"""Keep a set of processes running: restart any that exits or stops passing its health check.

Each process runs in its own session, so its own process group; stopping or restarting one kills the whole
group (SIGTERM, then SIGKILL after a grace period), so no helper it started (a Sanic worker, say) survives it
or keeps its port. A healthy process is checked every ``Policy.check_every`` seconds, and every
``Policy.retry_every`` after a failed check; one whose check fails (or times out) ``Policy.failures`` times
in a row, or that never passes one within ``Policy.start_timeout`` of its start, is killed and started again.
Restarts wait ``Policy.first_delay``, doubling up to ``Policy.max_delay`` while a process keeps failing; the
delay starts over once the process has been healthy for ``Policy.stable_after`` seconds. Each service has its
own watcher thread, so one crash never holds up or stops the others. Every restart is logged (logger
``farun.supervisor``, and a line in the service's own log file) with the name, the reason and the attempt.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("farun.supervisor")

Check = Callable[[float], None]
"""Raises when the service is unhealthy; the argument is the time-out in seconds."""


@dataclass(frozen=True)
class Policy:
    check_every: float = 10  # between checks of a healthy process
    retry_every: float = 2  # after a failed check, and while a process starts
    check_timeout: float = 5  # unless the service sets its own
    failures: int = 3  # failed checks in a row before a restart
    start_timeout: float = 300  # a (re)started process must pass a check within this
    first_delay: float = 1
    max_delay: float = 30
    stable_after: float = 120  # healthy this long: the next restart waits first_delay again
    grace: float = 10  # SIGTERM, then SIGKILL after this
    poll: float = 0.5  # how often an exit is noticed

    def delay(self, attempt: int) -> float:
        """Wait before restart ``attempt`` (1, 2, …) of a process that keeps failing."""
        return min(self.first_delay * 2 ** (attempt - 1), self.max_delay)


@dataclass
class Service:
    name: str
    command: list[str]
    check: Check | None = None  # None: running counts as healthy
    after_start: Callable[[], None] | None = None  # run once a restarted process first passes its check
    check_timeout: float | None = None  # None: the policy's
    env: dict[str, str] | None = None
    cwd: Path | None = None
    log_path: Path | None = None  # stdout and stderr; None: inherited


def describe_exit(code: int) -> str:
    if code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exited with code {code}"


def group_alive(process: subprocess.Popen) -> bool:
    """Whether the process or anything left in its group still runs (the group id is the leader's pid)."""
    if process.poll() is None:
        return True
    try:
        os.killpg(process.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def signal_group(process: subprocess.Popen, sig: signal.Signals) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def stop_groups(processes: list[subprocess.Popen], grace: float) -> None:
    """SIGTERM every group, SIGKILL the groups still alive after ``grace`` seconds, wait until all are gone."""
    for process in processes:
        signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while any(group_alive(p) for p in processes) and time.monotonic() < deadline:
        time.sleep(0.1)
    for process in processes:
        if group_alive(process):
            signal_group(process, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while any(group_alive(p) for p in processes) and time.monotonic() < deadline:
        time.sleep(0.05)


class Supervisor:
    def __init__(self, services: list[Service], policy: Policy = Policy()):
        self.services = {service.name: service for service in services}
        self.policy = policy
        self.processes: dict[str, subprocess.Popen] = {}
        self.restarts: dict[str, int] = dict.fromkeys(self.services, 0)
        self._stopping = threading.Event()
        self._spawning = threading.Lock()  # no restart slips in once stop has begun
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Start every service (not yet watched: see ``watch``)."""
        for service in self.services.values():
            self._spawn(service)

    def watch(self) -> None:
        """From now on, restart any service that exits or fails its checks, until ``stop``."""
        for service in self.services.values():
            thread = threading.Thread(target=self._watch, args=(service,), name=f"watch-{service.name}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def healthy(self, name: str) -> bool:
        """One check of ``name`` now (a running process without a check counts as healthy)."""
        return self._failure(self.services[name], self.processes[name]) is None

    def stop(self) -> None:
        """Stop watching, then end every process group (a watcher busy in a check or a warm-up is not waited
        for: its process is about to end, and it restarts nothing once stopping)."""
        with self._spawning:
            self._stopping.set()
        for thread in self._threads:
            thread.join(timeout=1)
        self._threads.clear()
        stop_groups(list(self.processes.values()), self.policy.grace)
        self.processes.clear()

    def _spawn(self, service: Service) -> None:
        output = open(service.log_path, "ab") if service.log_path else None
        try:
            self.processes[service.name] = subprocess.Popen(
                service.command,
                cwd=service.cwd,
                env=service.env,
                stdout=output,
                stderr=subprocess.STDOUT if output else None,
                start_new_session=True,
            )
        finally:
            if output:
                output.close()  # the child keeps its own copy

    def _failure(self, service: Service, process: subprocess.Popen) -> str | None:
        """Why the process is unhealthy now, or None."""
        code = process.poll()
        if code is not None:
            return describe_exit(code)
        if service.check is None:
            return None
        try:
            service.check(service.check_timeout or self.policy.check_timeout)
        except Exception as exc:  # any failure of the check, time-outs included, counts against the process
            return f"{type(exc).__name__}: {exc}"[:300]
        return None

    def _watch(self, service: Service) -> None:
        attempt = 0
        while True:
            reason, stable = self._until_unhealthy(service, restarted=attempt > 0)
            if reason is None or self._stopping.is_set():
                return
            attempt = 1 if stable else attempt + 1
            delay = self.policy.delay(attempt)
            self._note(service, f"{service.name}: {reason}; restart attempt {attempt} in {delay:g}s")
            process = self.processes[service.name]
            # a leader that has exited cannot shut its helpers down: kill what is left of its group at once
            stop_groups([process], self.policy.grace if process.poll() is None else 0)
            if self._stopping.wait(delay):
                return
            with self._spawning:
                if self._stopping.is_set():
                    return
                self._spawn(service)
                self.restarts[service.name] += 1

    def _until_unhealthy(self, service: Service, restarted: bool) -> tuple[str | None, bool]:
        """Watch the running process until it must be restarted: (why, whether it had been healthy for
        ``stable_after``), or (None, …) once the supervisor stops."""
        policy = self.policy
        process = self.processes[service.name]
        started = time.monotonic()
        next_check = started
        healthy_since: float | None = None
        passed = False
        failures = 0
        stable = False
        while not self._stopping.wait(policy.poll):
            code = process.poll()
            if code is not None:
                return describe_exit(code), stable
            now = time.monotonic()
            if now < next_check:
                continue
            reason = self._failure(service, process)
            now = time.monotonic()
            if reason is None:
                if not passed and restarted:
                    self._after_start(service)
                passed, failures = True, 0
                next_check = now + policy.check_every
                healthy_since = healthy_since or now
                stable = stable or now - healthy_since >= policy.stable_after
                continue
            if process.poll() is not None:
                continue  # an exit is reported as such on the next round
            next_check = now + policy.retry_every
            healthy_since = None
            if passed:
                failures += 1
                if failures >= policy.failures:
                    return f"failed {failures} health checks in a row ({reason})", stable
            elif now - started >= policy.start_timeout:
                return f"not healthy {policy.start_timeout:.0f}s after its start ({reason})", stable
        return None, stable

    def _after_start(self, service: Service) -> None:
        if service.after_start is None:
            return
        try:
            service.after_start()
        except Exception as exc:  # a failed warm-up leaves a running process; its checks decide the rest
            self._note(service, f"{service.name}: after-start step failed ({type(exc).__name__}: {exc})")

    def _note(self, service: Service, message: str) -> None:
        log.warning(message)
        if service.log_path:
            with open(service.log_path, "a", encoding="utf-8") as output:
                output.write(f"[farun supervisor {time.strftime('%Y-%m-%d %H:%M:%S')}] {message}\n")
