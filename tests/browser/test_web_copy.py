"""「复制」 under an answer, in Debian's chromium against the real stack, at phone size (360×740).

The answer goes to the clipboard as plain text to paste into WeChat: its first sentence, the cited laws under
their full names with article and quote, and the disclaimer, but none of the page's button labels; 「已复制」 shows
in a status line. Without the clipboard API (a page on plain http) a hidden textarea copies it; when that fails
too, the text is shown selected in a box saying 「请长按复制」, in which axe-core finds no serious violation.
Screenshot: ``test-artifacts/web-copy-answer.png``.
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.chat_page import ask, blocking_violations, open_chat

QUESTION = "老板拖欠工资三个月了怎么办"
UI_WORDS = ("有用", "没用", "复制", "点开看条文", "相关：")
NO_CLIPBOARD_API = "Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined });"
NO_EXEC_COMMAND = "document.execCommand = () => false;"


def answered(new_page, stack, *scripts: str):
    """The chat page at phone size, allowed to use the clipboard, with one answer shown: (page, answer row, the
    answer as the API sent it). ``scripts`` run in the page before its own (to take a copy path away)."""
    page = open_chat(new_page, stack, "phone")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=stack.api_url)
    for script in scripts:
        page.add_init_script(script)
    if scripts:
        page.reload()
    answer = ask(page, QUESTION)
    reply = page.evaluate(
        """() => JSON.parse(localStorage.getItem('farun-history'))
            .filter(item => item.who === 'bot' && item.reply.kind === 'answer').pop().reply"""
    )
    assert reply["citations"], "the answer to the question cites no law"
    return page, answer, reply


def clipboard(page) -> str:
    """What the clipboard holds, read in a fresh page of the same browser context (the tested page may lack the API)."""
    reader = page.context.new_page()
    reader.goto(page.url)
    try:
        return reader.evaluate("navigator.clipboard.readText()")
    finally:
        reader.close()


def first_sentence(reply: dict) -> str:
    summary = reply["text"].splitlines()[1]  # the line after 【title】
    return summary.split("。")[0]


def check_text(text: str, reply: dict) -> None:
    assert first_sentence(reply) in text
    citation = reply["citations"][0]
    assert f"《{citation['law']}》{citation['article']}" in text
    assert citation["quote"] in text
    assert "仅供参考" in text
    for word in UI_WORDS:
        assert word not in text, word


def test_copy_puts_the_answer_as_plain_text_on_the_clipboard(new_page, stack, screenshot):
    page, answer, reply = answered(new_page, stack)
    copy = answer.get_by_role("button", name="复制这条回答")
    expect(copy).to_have_text("复制")
    assert copy.bounding_box()["height"] >= 44
    copy.focus()
    page.keyboard.press("Enter")  # usable from the keyboard
    status = answer.locator(".share [role=status]")
    expect(status).to_have_text("已复制")
    assert screenshot(page, "web-copy-answer.png").stat().st_size > 10_000
    check_text(clipboard(page), reply)
    expect(status).to_have_text("", timeout=5_000)  # the note goes after a moment


def test_large_text_mode_makes_the_copy_button_60px(new_page, stack):
    page, answer, _ = answered(new_page, stack)
    page.get_by_role("button", name="大字模式").click()
    assert answer.get_by_role("button", name="复制这条回答").bounding_box()["height"] >= 60


def test_without_the_clipboard_api_a_hidden_textarea_copies(new_page, stack):
    page, answer, reply = answered(new_page, stack, NO_CLIPBOARD_API)
    assert page.evaluate("navigator.clipboard") is None
    answer.get_by_role("button", name="复制这条回答").click()
    expect(answer.locator(".share [role=status]")).to_have_text("已复制")
    check_text(clipboard(page), reply)
    expect(page.locator(".copy-buffer")).to_have_count(0)  # the textarea goes again


def test_when_copying_fails_the_text_is_shown_selected_to_long_press(new_page, stack):
    page, answer, reply = answered(new_page, stack, NO_CLIPBOARD_API, NO_EXEC_COMMAND)
    copy = answer.get_by_role("button", name="复制这条回答")
    copy.click()
    box = answer.get_by_role("textbox", name="请长按复制")
    expect(box).to_be_visible()
    expect(box).to_be_focused()
    check_text(box.input_value(), reply)
    selected = box.evaluate("node => [node.selectionStart, node.selectionEnd, node.value.length]")
    assert selected == [0, selected[2], selected[2]]
    assert blocking_violations(Axe(), page) == []
    answer.get_by_role("button", name="收起").click()
    expect(box).to_have_count(0)
    expect(copy).to_be_focused()
