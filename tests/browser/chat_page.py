"""Driving the web chat page in the browser tests: the two screen sizes, opening the page, asking, reading state.

``VIEWPORTS`` are a phone (360×740 at device scale 2) and a laptop
(1366×768); a test parametrized with ``viewport`` runs at both. ``open_chat``
waits until the page has restored its history and asked the server about an
unfinished form (the log's ``aria-busy`` turns false). ``ask`` and ``click``
wait until every reply is in and the page can send again.
"""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

VIEWPORTS = {"phone": (360, 740, 2), "laptop": (1366, 768, 1)}
REPLY_TIMEOUT = 60_000


def viewport_params():
    return pytest.mark.parametrize("viewport", list(VIEWPORTS), ids=list(VIEWPORTS))


def open_chat(new_page, stack, viewport: str) -> Page:
    width, height, scale = VIEWPORTS[viewport]
    page = new_page(width, height, scale)
    page.goto(stack.api_url + "/")
    wait_ready(page)
    return page


def wait_ready(page: Page) -> None:
    expect(page.locator("#log")).to_have_attribute("aria-busy", "false", timeout=30_000)


def reload(page: Page) -> None:
    page.reload()
    wait_ready(page)


def bot_rows(page: Page) -> Locator:
    """The bot's replies (not the welcome, not the typing indicator, not the page's own notes)."""
    return page.locator(".msg.bot:not(.welcome):not(.typing):not(.note):not(.resume)")


def settle(page: Page, replies_before: int) -> Locator:
    """Wait for the replies to a message just sent; the last of them."""
    expect(page.locator(".msg.typing")).to_have_count(0, timeout=REPLY_TIMEOUT)
    expect(page.locator("#send")).to_be_enabled(timeout=REPLY_TIMEOUT)
    assert bot_rows(page).count() > replies_before, "no reply arrived"
    return bot_rows(page).last


def ask(page: Page, question: str) -> Locator:
    before = bot_rows(page).count()
    page.fill("#question", question)
    page.click("#send")
    expect(page.locator(".msg.user .bubble").last).to_have_text(question)
    return settle(page, before)


def click(page: Page, control: Locator) -> Locator:
    """Click a chip, example or choice button that sends a message; the last reply."""
    before = bot_rows(page).count()
    control.click()
    return settle(page, before)


def history(page: Page) -> list[tuple[str, str]]:
    """(who, text) of every message row after the welcome, as shown."""
    rows = page.locator(".msg:not(.welcome):not(.typing)")
    return [
        (
            "user" if "user" in (rows.nth(i).get_attribute("class") or "") else "bot",
            rows.nth(i).locator(".bubble").inner_text(),
        )
        for i in range(rows.count())
    ]


def sender(page: Page) -> str:
    return page.evaluate("localStorage.getItem('farun-sender')")


def server_state(stack, page: Page) -> dict:
    response = httpx.get(f"{stack.api_url}/api/chat/state", params={"sender": sender(page)}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


BLOCKING = ("serious", "critical")  # axe-core impacts that fail a test


def blocking_violations(axe, page) -> list[str]:
    """axe-core's serious and critical violations on ``page``, one line each."""
    violations = axe.run(page).response["violations"]
    return [f"{v['id']} ({v['impact']}): {len(v['nodes'])}" for v in violations if v["impact"] in BLOCKING]
