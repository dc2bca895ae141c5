"""Routing quality: labelled sentences through the trained Rasa NLU, scored by area.

Reads JSON lines of ``{"text", "area"}``, starts Rasa alone (no action server)
on a free loopback port, parses each text through ``/model/parse`` and maps the
predicted intent to one of five areas. Scores are accuracy, macro-F1,
per-area precision and recall, the confusion matrix, and how other_legal
questions were handled: referred (routed to other_legal by the out_of_scope,
legal_services or article_lookup intents) or answered from an unrelated
topical area.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
from collections import Counter
from pathlib import Path

import httpx
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

from api.stack import MODEL, RASA_VENV, ROOT, free_port
from knowledge_base.settings import log_dir

AREAS = ("wage_arrears", "elderly_services", "enterprise_risk", "other_legal", "chitchat_or_noise")
DEFAULT_FILE = ROOT / "tests" / "data" / "routing_test.jsonl"
# legal_services answers with legal-aid / notary / referral FAQ entries, out_of_scope with a referral.
INTENT_AREA = {
    "wage_arrears": "wage_arrears",
    "wage_plan": "wage_arrears",
    "elderly_services": "elderly_services",
    "elderly_menu": "elderly_services",
    "enterprise_risk": "enterprise_risk",
    "guide_browse": "enterprise_risk",
    "legal_services": "other_legal",
    "out_of_scope": "other_legal",
    "article_lookup": "other_legal",  # quotes a statute article: a legal answer outside the three topics
    "legal_aid_check": "other_legal",  # the legal-aid eligibility check
    "mediation_routing": "other_legal",  # names the mediation bodies for a dispute
    # the drafts open for comment (立法意见征集): a legal matter outside the three topics, served by its own flow
    # like the two above (neither chit-chat nor a topical answer), so a sentence about it is labelled other_legal
    "legislation": "other_legal",
    "greet": "chitchat_or_noise",
    "goodbye": "chitchat_or_noise",
    "thanks": "chitchat_or_noise",
    "bot_challenge": "chitchat_or_noise",
    "nlu_fallback": "chitchat_or_noise",
    "handoff": "chitchat_or_noise",
    "feedback": "chitchat_or_noise",
    "choose_entry": "chitchat_or_noise",
    "inform": "chitchat_or_noise",  # a short answer to a form question, not a question of its own
    "stop": "chitchat_or_noise",
    "resume": "chitchat_or_noise",
    "empty_message": "chitchat_or_noise",
    "overlong_message": "chitchat_or_noise",
}
TOPICAL = {"wage_arrears", "elderly_services", "enterprise_risk"}


def load_labelled(path: Path) -> list[dict]:
    """The ``{text, area}`` rows of a JSON-lines file; a clear error names the first bad line."""
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise ValueError(f"{path}:{number}: not JSON ({exc})") from None
        if not isinstance(row, dict) or not str(row.get("text", "")).strip() or row.get("area") not in AREAS:
            raise ValueError(f"{path}:{number}: needs a non-empty text and an area in {AREAS}")
        rows.append({"text": row["text"], "area": row["area"]})
    if not rows:
        raise ValueError(f"{path}: no labelled sentences")
    return rows


class RasaNLU:
    """The trained model served by ``rasa run`` on a free loopback port, for as long as the ``with`` lasts."""

    def __init__(self, model: Path = MODEL, timeout: float = 300):
        self.model, self.timeout = model, timeout
        self.port, self.token = free_port(), secrets.token_urlsafe(16)
        self.process: subprocess.Popen | None = None
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=60)

    def __enter__(self) -> "RasaNLU":
        if not Path(self.model).exists():
            raise FileNotFoundError(f"{self.model} is missing: run `make train` first")
        logs = log_dir()
        logs.mkdir(parents=True, exist_ok=True)
        log = open(logs / "eval-rasa.log", "ab")
        self.process = subprocess.Popen(
            [
                str(RASA_VENV / "bin" / "python"),
                "-m",
                "bot.launch_rasa",  # the token from the environment, never on the command line
                "-i",
                "127.0.0.1",
                "-p",
                str(self.port),
                "--model",
                str(self.model),
            ],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", "FARUN_RASA_TOKEN": self.token},
        )
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"rasa exited with {self.process.returncode}; see {logs / 'eval-rasa.log'}")
            try:
                status = self.client.get("/status", params={"token": self.token})
                if status.status_code == 200 and status.json().get("model_file"):
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(1)
        self.__exit__()
        raise TimeoutError(f"rasa did not load {self.model} in {self.timeout:.0f}s")

    def parse(self, text: str) -> dict:
        response = self.client.post("/model/parse", params={"token": self.token}, json={"text": text})
        response.raise_for_status()
        return response.json()

    def intent(self, text: str) -> str:
        return (self.parse(text).get("intent") or {}).get("name") or "nlu_fallback"

    def ranking(self, text: str) -> list[dict]:
        """The intent ranking, as the actions see it in ``latest_message``."""
        return self.parse(text).get("intent_ranking") or []

    def __exit__(self, *_) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.client.close()


def score(gold: list[str], intents: list[str]) -> dict:
    """Metrics for gold areas against predicted intents (mapped to areas)."""
    predicted = [INTENT_AREA.get(intent, "chitchat_or_noise") for intent in intents]
    precision, recall, f1, support = precision_recall_fscore_support(
        gold, predicted, labels=list(AREAS), zero_division=0
    )
    other = [(p, i) for g, p, i in zip(gold, predicted, intents) if g == "other_legal"]
    return {
        "n": len(gold),
        "accuracy": round(accuracy_score(gold, predicted), 4),
        "macro_f1": round(
            f1_score(gold, predicted, labels=[a for a in AREAS if a in gold], average="macro", zero_division=0), 4
        ),
        "per_area": {
            area: {
                "precision": round(float(p), 4),
                "recall": round(float(r), 4),
                "f1": round(float(f), 4),
                "support": int(s),
            }
            for area, p, r, f, s in zip(AREAS, precision, recall, f1, support)
        },
        "confusion": {"labels": list(AREAS), "matrix": confusion_matrix(gold, predicted, labels=list(AREAS)).tolist()},
        "unmapped_intents": sorted(set(intents) - set(INTENT_AREA)),
        "other_legal": {
            "n": len(other),
            "referred": round(sum(p == "other_legal" for p, _ in other) / len(other), 4) if other else None,
            "answered_unrelated": round(sum(p in TOPICAL for p, _ in other) / len(other), 4) if other else None,
            "intents": dict(Counter(i for _, i in other)),
        },
    }


def evaluate(path: Path = DEFAULT_FILE, model: Path = MODEL) -> tuple[dict, list[dict]]:
    """Metrics and the per-sentence predictions for the labelled file at ``path``."""
    rows = load_labelled(path)
    with RasaNLU(model) as nlu:
        intents = [nlu.intent(row["text"]) for row in rows]
    predictions = [
        {**row, "intent": intent, "predicted": INTENT_AREA.get(intent, "chitchat_or_noise")}
        for row, intent in zip(rows, intents)
    ]
    return {"file": str(path), **score([row["area"] for row in rows], intents)}, predictions
