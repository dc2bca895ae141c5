"""Plain helpers shared by several test modules: the seeded accounts' password, a new entry, CSV rows, CSRF, the
entry ids of a list page and what its search looks through, the values a browser would submit from a form, the CLI.

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
from html.parser import HTMLParser

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.curation.spreadsheet_layout import COLUMNS
from knowledge_base.schema import Entry

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


def listed_ids(html: str) -> list[str]:
    """The entry ids listed on an entry list page, in order."""
    return re.findall(r'<li>\s*<a href="/admin/entries/([^"]+)">', html)


def next_link(html: str) -> str | None:
    """The 下一页 link of a paged list page, or None on the last page."""
    found = re.search(r'<a class="button" href="([^"]+)" rel="next">下一页</a>', html)
    return found[1].replace("&amp;", "&") if found else None


def listed_everywhere(staff: "Staff", url: str | None) -> list[str]:
    """The entry ids on every page of the list at ``url`` (none for None), following its 下一页 links."""
    ids: list[str] = []
    while url:
        ids += listed_ids(staff.get(url).text)
        url = next_link(staff.page.text)
    return ids


def searched_words(entry: Entry) -> str:
    """What the entry list's search box looks through: id, title, summary, questions and the answer, lower-cased."""
    texts = (entry.id, entry.title, entry.summary, *entry.questions, entry.answer_text, entry.risk, entry.prevention)
    return " ".join(text or "" for text in (*texts, entry.case)).lower()


class _FormReader(HTMLParser):
    """Collects the controls of the forms whose action is ``action``, with the values a browser would submit."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.values = action, False, []
        self.textarea: tuple[str, list[str]] | None = None
        self.select: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.inside = found.get("action") == self.action
        if not self.inside or ("name" not in found and tag != "option"):
            return
        if tag == "input" and found.get("type", "text") not in ("button", "submit", "reset"):
            if found.get("type") not in ("checkbox", "radio") or "checked" in found:
                self.values.append((found["name"], found.get("value", "")))
        elif tag == "textarea":
            self.textarea = (found["name"], [])
        elif tag == "select":
            self.select = {"name": found["name"], "first": None, "selected": None}
        elif tag == "option" and self.select is not None:
            if self.select["first"] is None:
                self.select["first"] = found["value"]
            if "selected" in found:
                self.select["selected"] = found["value"]

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self.textarea is not None:
            self.values.append((self.textarea[0], "".join(self.textarea[1])))
            self.textarea = None
        elif tag == "select" and self.select is not None:
            chosen = self.select["selected"] if self.select["selected"] is not None else self.select["first"]
            self.values.append((self.select["name"], chosen or ""))
            self.select = None


def form_values(html: str, action: str) -> dict[str, list[str]]:
    """What submitting the form posting to ``action`` sends, unchanged: every named control's values in page order."""
    reader = _FormReader(action)
    reader.feed(html)
    values: dict[str, list[str]] = {}
    for name, value in reader.values:
        values.setdefault(name, []).append(value)
    return values


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
