"""End to end: a conversation's open form survives a restart of Rasa (its SQL tracker store, ``bot/endpoints.yml``).

The stack's Rasa keeps conversations in the SQLite file ``tracker.db`` of the
stack's data folder. The test opens a form, kills Rasa, starts it again with
the same command, and the form is still waiting for its first answer.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid

import httpx

from knowledge_base.settings import ROOT, data_dir, log_dir


def _text(response: dict) -> str:
    return "\n".join(reply["text"] for reply in response["replies"])


def restart_rasa(stack, timeout: float = 300) -> None:
    process = stack.processes["rasa"]
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    log = open(log_dir() / "rasa.log", "ab")
    stack.processes["rasa"] = subprocess.Popen(
        stack.commands()["rasa"],
        cwd=ROOT,
        env=stack.env(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert stack.processes["rasa"].poll() is None, "Rasa exited on restart; see rasa.log"
        ok, _ = stack_status(stack)
        if ok:
            return
        time.sleep(2)
    raise TimeoutError("Rasa did not come back")


def stack_status(stack) -> tuple[bool, str]:
    try:
        response = httpx.get(f"{stack.rasa_url}/status", params={"token": stack.token}, timeout=5)
        return response.status_code == 200, response.text
    except httpx.HTTPError as exc:
        return False, str(exc)


def test_an_open_form_survives_a_restart_of_rasa(stack, chat):
    sender = f"e2e-tracker-{uuid.uuid4().hex[:10]}"
    asked = chat(sender, "帮我看看能不能申请法律援助")
    assert "第1步" in _text(asked)
    assert (data_dir() / "tracker.db").is_file()

    restart_rasa(stack)

    state = httpx.get(f"{stack.api_url}/api/chat/state", params={"sender": sender}, timeout=60).json()
    assert state["active_form"] == "legal_aid_form"
    choice = next(b for r in asked["replies"] for b in r["buttons"] if "讨要工资" in b["title"])
    answered = chat(sender, choice["payload"])  # offered before the restart: still accepted, still step 2
    assert "第2步" in _text(answered)
