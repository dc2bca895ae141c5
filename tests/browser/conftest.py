"""Browser fixtures: Debian's chromium driven by Playwright, shared by every page test.

``browser`` is one headless chromium for the test session; ``new_page(width,
height)`` opens a fresh context (own cookies) on it, Chinese locale, closed at
the end of the test module that made it; ``screenshot(page, name)`` saves to
``test-artifacts/``.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: `apt-get install -y chromium` (done by .ci/run)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def new_page(browser):
    """Factory: a page in a new browser context (its own cookies), phone-sized unless told otherwise."""
    contexts = []

    def open_page(width: int = 390, height: int = 844):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def screenshot():
    """Function ``(page, name) -> Path``: a full-page screenshot written to ``test-artifacts/<name>``."""
    def save(page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
