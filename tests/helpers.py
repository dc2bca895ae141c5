"""Plain helpers shared by several test modules: the seeded accounts' password, a new entry, CSV rows, CSRF, the CLI.

Fixtures live in ``tests/conftest.py``; this module holds only functions and
constants, so no test module needs to import another test module.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.curation.spreadsheet_layout import COLUMNS

PASSWORD = "correct-horse-42"  # every account in the seeded test database
CITATION = {"law": "劳动合同法", "article": "第三十条", "quote": "向劳动者及时足额支付劳动报酬"}
LABELS = [column.label for column in COLUMNS]


def new_entry(entry_id: str = "wage-test-new", **changes) -> dict:
    data = {
        "id": entry_id,
        "collection": "faq",
        "area": "wage_arrears",
        "title": "试用期工资被拖欠怎么办",
        "questions": ["试用期工资被拖欠怎么办", "试用期老板不发工资", "试用期的工资拖着不给找谁"],
        "answer": "用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬。",
        "citations": [CITATION],
        "next_steps": ["拨打12333咨询"],
    }
    return {**data, **changes}


def new_row(entry_id: str, **cells) -> list[str]:
    """``new_entry(entry_id)`` as one spreadsheet row in column order."""
    data = new_entry(entry_id)
    values = {
        "id": entry_id,
        "collection": "faq",
        "area": data["area"],
        "title": data["title"],
        "questions": "\n".join(data["questions"]),
        "answer": data["answer"],
        "citations": "劳动合同法|第三十条|向劳动者及时足额支付劳动报酬",
        "next_steps": "拨打12333咨询",
        **cells,
    }
    return [values.get(column.key, "") for column in COLUMNS]


def csv_bytes(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]


class Staff:
    """One signed-in browser: its own client and cookies; ``post`` adds the CSRF token of the last page seen."""

    def __init__(self, app: FastAPI, name: str):
        self.client = TestClient(app)
        self.page = self.client.get("/admin/login")
        self.response = self.post("/admin/login", {"username": name, "password": PASSWORD})

    def get(self, url: str):
        self.page = self.client.get(url)
        return self.page

    def post(self, url: str, data: dict):
        response = self.client.post(url, data={**data, "csrf_token": csrf_of(self.page.text)})
        if response.headers.get("content-type", "").startswith("text/html"):
            self.page = response
        return response


def farun(data_dir, *args, password: str = "first-admin-pw"):
    """Run the ``farun`` CLI with its own data folder; the completed process."""
    env = {**os.environ, "FARUN_DATA_DIR": str(data_dir), "FARUN_ADMIN_PASSWORD": password}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args], env=env, capture_output=True, text=True, timeout=300
    )
