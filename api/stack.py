"""Start and stop the whole bot on loopback: Rasa (its own Python 3.10 venv), the action server, the API.

Used by ``farun run`` (and so ``make run``) and by the end-to-end tests. Every
process listens on 127.0.0.1 only; Rasa's HTTP API needs a random auth token
that only the API knows.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from api import warm_up
from api.settings import get_settings
from knowledge_base.settings import log_dir

ROOT = Path(__file__).resolve().parents[1]
RASA_BIN = Path(os.environ.get("FARUN_RASA_VENV", ROOT / ".venv-rasa")) / "bin" / "rasa"
MODEL = ROOT / "models" / "farun.tar.gz"
WARM_UP_QUESTION = "拖欠工资怎么办"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Stack:
    rasa_port: int = field(default_factory=free_port)
    action_port: int = field(default_factory=free_port)
    api_port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(24))  # hex: never starts with "-"
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "RASA_TELEMETRY_ENABLED": "false",
            "SANIC_HOST": "127.0.0.1",
            "FARUN_RASA_URL": self.rasa_url,
            "FARUN_RASA_TOKEN": self.token,
            "FARUN_ACTION_URL": f"http://127.0.0.1:{self.action_port}/webhook",
            "FARUN_TRACKER_STORE_URL": get_settings().tracker_store_url,  # bot/endpoints.yml: Rasa's SQL store
            "PYTHONPATH": str(ROOT),
        }

    def commands(self) -> dict[str, list[str]]:
        if not RASA_BIN.exists():
            raise FileNotFoundError(f"{RASA_BIN} is missing: run `make setup` first")
        if not MODEL.exists():
            raise FileNotFoundError(f"{MODEL} is missing: run `make train` first")
        return {
            "actions": [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "-p", str(self.action_port)],
            "rasa": [
                str(RASA_BIN),
                "run",
                "--enable-api",
                f"--auth-token={self.token}",
                "-i",
                "127.0.0.1",
                "-p",
                str(self.rasa_port),
                "--model",
                str(MODEL),
                "--endpoints",
                "bot/endpoints.yml",
                "--credentials",
                "bot/credentials.yml",
            ],
            "api": [
                sys.executable,
                "-m",
                "uvicorn",
                "api.main:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.api_port),
                "--log-level",
                "warning",
            ],
        }

    def start(self, timeout: float = 300) -> None:
        """Start all three and wait until /health says every part is up."""
        logs = log_dir()  # read now, not at import: a test's FARUN_DATA_DIR keeps var/ untouched
        logs.mkdir(parents=True, exist_ok=True)
        for port in (self.rasa_port, self.action_port, self.api_port):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    raise RuntimeError(f"port {port} is already in use: is another Farun running?")
        for name, command in self.commands().items():
            log = open(logs / f"{name}.log", "ab")
            self.processes[name] = subprocess.Popen(
                command, cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"{name} exited with {process.returncode}; see {logs / (name + '.log')}")
            try:
                if httpx.get(f"{self.api_url}/health", timeout=5).status_code == 200:
                    self._warm_up()
                    return
            except httpx.HTTPError:
                pass
            time.sleep(1)
        self.stop()
        raise TimeoutError(f"the stack did not become healthy in {timeout:.0f}s; logs in {logs}")

    @property
    def warm_up_sender(self) -> str:
        return f"warm-up-{self.token[:8]}"

    def _warm_up(self) -> None:
        """One question through the stack, so the action server loads its models and index before users come
        (loading them at import would clash with Sanic's process start-up). The action server is asked
        directly first, with no time limit but the stack's, so the first chat never waits on loading and
        runs into the API's Rasa timeout. The chat's header keeps it out of the turn log and so off the
        staff dashboard (``api.warm_up``)."""
        httpx.post(
            f"http://127.0.0.1:{self.action_port}/webhook",
            json={
                "next_action": "action_answer_question",
                "sender_id": self.warm_up_sender,
                "tracker": {
                    "sender_id": self.warm_up_sender,
                    "slots": {},
                    "latest_message": {"text": WARM_UP_QUESTION, "intent": {"name": "wage_arrears"}},
                    "events": [],
                    "active_loop": {},
                    "latest_action_name": "action_listen",
                },
                "domain": {},
            },
            timeout=300,
        )
        httpx.post(
            f"{self.api_url}/api/chat",
            json={"sender": self.warm_up_sender, "message": WARM_UP_QUESTION},
            headers={warm_up.HEADER: self.token},
            timeout=120,
        )

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.processes.clear()

    def pids(self) -> dict[str, int]:
        return {name: process.pid for name, process in self.processes.items()}
