"""Start and stop the whole bot on loopback: Rasa (its own Python 3.10 venv), the action server, the API.

Used by ``farun run`` (and so ``make run``) and by the end-to-end tests. Every
process listens on 127.0.0.1 only; Rasa's HTTP API needs a random auth token
that only the API knows. Rasa gets the token from the environment through
``bot/launch_rasa.py``, so it never shows in a command line. The processes run
under ``api.supervisor``; a supervised stack (``farun run``) restarts any of
them that exits or fails its health check: the API's ``/health`` answers, Rasa's
``/status`` answers, and the action server runs a real (cheap) action.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from api import warm_up
from api.settings import get_settings
from api.supervisor import Policy, Service, Supervisor
from knowledge_base.settings import log_dir

ROOT = Path(__file__).resolve().parents[1]
RASA_VENV = Path(os.environ.get("FARUN_RASA_VENV", ROOT / ".venv-rasa"))
RASA_BIN = RASA_VENV / "bin" / "rasa"
MODEL = ROOT / "models" / "farun.tar.gz"
WARM_UP_QUESTION = "拖欠工资怎么办"
SERVICES = ("rasa", "actions", "api")
HEALTH_ACTION = "action_stop_form"  # with no open form: one fixed line, no knowledge base, no database
API_CHECK_TIMEOUT = 15  # /health itself waits up to 5 s for Rasa and 5 s for the action server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def action_request(action: str, sender: str, text: str = "", intent: str | None = None) -> dict:
    """The action server's request (rasa_sdk's webhook) to run ``action`` after a user message."""
    return {
        "next_action": action,
        "sender_id": sender,
        "tracker": {
            "sender_id": sender,
            "slots": {},
            "latest_message": {"text": text, "intent": {"name": intent} if intent else {}},
            "events": [],
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
        "domain": {},
    }


@dataclass
class Stack:
    rasa_port: int = field(default_factory=free_port)
    action_port: int = field(default_factory=free_port)
    api_port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(24))  # hex: never starts with "-"
    names: tuple[str, ...] = SERVICES  # which of the three this stack runs (one each under systemd)
    supervised: bool = False  # restart what exits or fails its check (farun run); the tests' stack does not
    policy: Policy = field(default_factory=Policy)
    extra_env: dict[str, str] = field(default_factory=dict)  # more settings for the three processes only
    supervisor: Supervisor | None = field(default=None, init=False, repr=False)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}/webhook"

    @property
    def processes(self) -> dict[str, subprocess.Popen]:
        """The running process of each service (the supervisor's own table: it follows restarts)."""
        return self.supervisor.processes if self.supervisor else {}

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "RASA_TELEMETRY_ENABLED": "false",
            "SANIC_HOST": "127.0.0.1",
            "FARUN_RASA_URL": self.rasa_url,
            "FARUN_RASA_TOKEN": self.token,
            "FARUN_ACTION_URL": self.action_url,
            "FARUN_TRACKER_STORE_URL": get_settings().tracker_store_url,  # bot/endpoints.yml: Rasa's SQL store
            "PYTHONPATH": str(ROOT),
            **self.extra_env,
        }

    def commands(self) -> dict[str, list[str]]:
        if not RASA_BIN.exists():
            raise FileNotFoundError(f"{RASA_BIN} is missing: run `make setup` first")
        if not MODEL.exists():
            raise FileNotFoundError(f"{MODEL} is missing: run `make train` first")
        return {
            "actions": [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "-p", str(self.action_port)],
            "rasa": [
                str(RASA_VENV / "bin" / "python"),
                "-m",
                "bot.launch_rasa",  # adds `run --enable-api --auth-token=$FARUN_RASA_TOKEN`
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

    def check_rasa(self, timeout: float) -> None:
        httpx.get(f"{self.rasa_url}/status", params={"token": self.token}, timeout=timeout).raise_for_status()

    def check_actions(self, timeout: float) -> None:
        """A real action call: the port alone stays open when the action server's worker process has died."""
        response = httpx.post(
            self.action_url, json=action_request(HEALTH_ACTION, "farun-health-check"), timeout=timeout
        )
        response.raise_for_status()
        if not isinstance(response.json().get("events"), list):
            raise ValueError(f"no events in the action server's answer: {response.text[:200]}")

    def check_api(self, timeout: float) -> None:
        """The API answers /health: 503 only says that Rasa or the action server behind it is down."""
        response = httpx.get(f"{self.api_url}/health", timeout=timeout)
        if response.status_code not in (200, 503):
            response.raise_for_status()
        response.json()

    def services(self) -> list[Service]:
        logs = log_dir()  # read now, not at import: a test's FARUN_DATA_DIR keeps var/ untouched
        logs.mkdir(parents=True, exist_ok=True)
        commands, env = self.commands(), self.env()
        checks = {"rasa": self.check_rasa, "actions": self.check_actions, "api": self.check_api}
        warm_ups = {"actions": self._warm_up_actions, "api": self._warm_up_chat}
        return [
            Service(
                name,
                commands[name],
                checks[name],
                after_start=warm_ups.get(name),
                check_timeout=API_CHECK_TIMEOUT if name == "api" else None,
                env=env,
                cwd=ROOT,
                log_path=logs / f"{name}.log",
            )
            for name in self.names
        ]

    def start(self, timeout: float = 300) -> None:
        """Start this stack's services, wait until each passes its check (and, for the whole stack, /health
        says every part is up), warm them up, then, if supervised, watch them."""
        for name, port in (("rasa", self.rasa_port), ("actions", self.action_port), ("api", self.api_port)):
            with socket.socket() as sock:
                if name in self.names and sock.connect_ex(("127.0.0.1", port)) == 0:
                    raise RuntimeError(f"port {port} is already in use: is another Farun running?")
        self.supervisor = Supervisor(self.services(), self.policy)
        self.supervisor.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"{name} exited with {process.returncode}; see {log_dir() / (name + '.log')}")
            if self._ready():
                self._warm_up()
                if self.supervised:
                    self.supervisor.watch()
                return
            time.sleep(1)
        self.stop()
        raise TimeoutError(f"the stack did not become healthy in {timeout:.0f}s; logs in {log_dir()}")

    def _ready(self) -> bool:
        if not all(self.supervisor.healthy(name) for name in self.names):
            return False
        if set(self.names) != set(SERVICES):
            return True
        try:
            return httpx.get(f"{self.api_url}/health", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    @property
    def warm_up_sender(self) -> str:
        return f"warm-up-{self.token[:8]}"

    def _warm_up(self) -> None:
        """One question through the stack, so the action server loads its models and index before users come
        (loading them at import would clash with Sanic's process start-up). The action server is asked
        directly first, with no time limit but the stack's, so the first chat never waits on loading and
        runs into the API's Rasa timeout. The chat's header keeps it out of the turn log and so off the
        staff dashboard (``api.warm_up``). A restarted service is warmed up the same way."""
        if "actions" in self.names:
            self._warm_up_actions()
        if "api" in self.names:
            self._warm_up_chat()

    def _warm_up_actions(self) -> None:
        request = action_request("action_answer_question", self.warm_up_sender, WARM_UP_QUESTION, "wage_arrears")
        httpx.post(self.action_url, json=request, timeout=300)

    def _warm_up_chat(self) -> None:
        httpx.post(
            f"{self.api_url}/api/chat",
            json={"sender": self.warm_up_sender, "message": WARM_UP_QUESTION},
            headers={warm_up.HEADER: self.token},
            timeout=120,
        )

    def stop(self) -> None:
        """Stop watching, then end each process's whole group (SIGTERM, SIGKILL after the policy's grace)."""
        if self.supervisor is not None:
            self.supervisor.stop()

    def pids(self) -> dict[str, int]:
        return {name: process.pid for name, process in self.processes.items()}
