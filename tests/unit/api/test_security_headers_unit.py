"""Security headers on every response of the real app, and pages the strict policy can serve: no inline script.

The app runs without its lifespan (no index, no database); the responses
checked need neither.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.admin.rendering import STATIC_DIR as ADMIN_STATIC
from api.main import create_app
from api.routers.web import STATIC_DIR
from api.security_headers import DOCS_POLICY, POLICY

TEMPLATES = Path(ADMIN_STATIC).parent / "templates"
PAGES = sorted(TEMPLATES.glob("*.html")) + [Path(STATIC_DIR) / "index.html"]


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(), raise_server_exceptions=False)


@pytest.mark.parametrize(
    "url",
    ["/", "/static/app.js", "/admin/login", "/admin/static/admin.css", "/api/statutes/劳动合同法/82", "/nowhere"],
)
def test_every_response_carries_the_security_headers(client, url):
    headers = client.get(url).headers
    assert headers["Content-Security-Policy"] == POLICY
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_the_strict_policy_allows_no_inline_script_and_no_framing():
    directives = dict(part.strip().split(" ", 1) for part in POLICY.split(";"))
    assert directives["script-src"] == "'self'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in POLICY


def test_the_api_documentation_gets_the_policy_its_cdn_page_needs(client):
    assert client.get("/docs").headers["Content-Security-Policy"] == DOCS_POLICY


class InlineCode(HTMLParser):
    """Collects what a policy without 'unsafe-inline' blocks: inline scripts and styles, handlers, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not values.get("src"):
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("inline <style>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"{name}= on <{tag}>")
            if (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL on <{tag}>")


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_pages_hold_no_inline_script_style_or_handlers(page):
    parser = InlineCode()
    parser.feed(page.read_text(encoding="utf-8"))
    assert parser.found == []
