"""The web chat page for older and disabled users: sizes, 大字模式, screen-reader labels, axe-core.

In a real browser against the real stack, at phone and laptop size, on the
welcome and on an answer (legal basis, choices, 有用/没用). By default body
text is at least 16px and every control at least 44×44px; 大字模式 makes text
at least 20px with a line height of at least 1.5 and controls at least
60×60px, and is remembered across a reload. axe-core (``axe-playwright-python``)
finds no serious or critical violation in either mode. Screenshot:
``test-artifacts/large-text-<size>.png``.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.chat_page import ask, blocking_violations, bot_rows, open_chat, reload, viewport_params

DEFAULT = {"text": 16, "target": 44}
LARGE = {"text": 20, "target": 60}
QUESTION = "老板拖欠工资三个月了怎么办"


@pytest.fixture(scope="module")
def axe():
    return Axe()


def px(value: str) -> float:
    return float(value.removesuffix("px"))


def text_sizes(page) -> list[tuple[str, float, float]]:
    """(selector, font size, line height) of the body and of the message bubbles."""
    return page.evaluate(
        """() => ["body", ".bubble"].flatMap(selector => [...document.querySelectorAll(selector)].map(node => {
            const style = getComputedStyle(node);
            return [selector, style.fontSize, style.lineHeight];
        }))"""
    )


def small_targets(page, least: float) -> list[str]:
    """Visible controls (buttons, inputs, links) smaller than ``least`` CSS pixels either way."""
    controls = page.locator("button:visible, input:visible, a[href]:visible")
    small = []
    for index in range(controls.count()):
        control = controls.nth(index)
        box = control.bounding_box()
        if box["width"] < least or box["height"] < least:
            small.append(
                f"{control.inner_text() or control.get_attribute('aria-label')}: {box['width']:.0f}×{box['height']:.0f}"
            )
    return small


def check_sizes(page, sizes: dict) -> None:
    for selector, font, line in text_sizes(page):
        assert px(font) >= sizes["text"], f"{selector} text {font}"
        assert px(line) >= 1.5 * px(font), f"{selector} line height {line} for {font}"
    assert small_targets(page, sizes["target"]) == []


def answered(new_page, stack, viewport):
    """The page at ``viewport`` with one answer shown, its legal basis open."""
    page = open_chat(new_page, stack, viewport)
    answer = ask(page, QUESTION)
    citation = answer.locator(".citation").first
    if citation.count():
        citation.click()
        expect(answer.locator(".article").first).not_to_contain_text("正在加载", timeout=10_000)
    return page


@viewport_params()
def test_default_sizes_and_targets(new_page, stack, viewport):
    page = answered(new_page, stack, viewport)
    check_sizes(page, DEFAULT)


@viewport_params()
def test_large_text_mode_enlarges_text_and_targets_and_is_remembered(new_page, stack, viewport, screenshot):
    page = answered(new_page, stack, viewport)
    toggle = page.get_by_role("button", name="大字模式")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(toggle).to_contain_text("✓")  # on/off shown in shape too, not by colour alone
    check_sizes(page, LARGE)
    reload(page)
    expect(page.locator("html")).to_have_class("large-text")
    expect(page.get_by_role("button", name="大字模式")).to_have_attribute("aria-pressed", "true")
    check_sizes(page, LARGE)
    screenshot(page, f"large-text-{viewport}.png")
    page.get_by_role("button", name="大字模式").click()
    check_sizes(page, DEFAULT)


@viewport_params()
def test_axe_finds_no_serious_violation_in_either_mode(new_page, stack, viewport, axe):
    page = open_chat(new_page, stack, viewport)
    assert blocking_violations(axe, page) == []
    ask(page, QUESTION)
    bot_rows(page).last.locator(".feedback button").first.click()
    assert blocking_violations(axe, page) == []
    page.get_by_role("button", name="大字模式").click()
    assert blocking_violations(axe, page) == []


def test_every_control_is_named_for_screen_readers(new_page, stack):
    page = answered(new_page, stack, "phone")
    expect(page.get_by_role("log", name="对话记录")).to_have_attribute("aria-live", "polite")
    for role in ("button", "textbox", "link"):
        controls = page.get_by_role(role)
        for index in range(controls.count()):
            name = controls.nth(index).evaluate("node => node.innerText || node.getAttribute('aria-label') || ''")
            assert name.strip(), f"a {role} without a name"
    who = page.locator(".msg.user .sr-only").first
    expect(who).to_have_text("您说：")  # who spoke is said in words, not only by colour and side
