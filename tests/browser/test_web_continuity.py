"""The web chat page keeps its conversation across reloads, and 新对话 starts afresh on the page and on the bot's side.

In a real browser against the real stack, at phone and laptop size: a reload
shows the same history under the same conversation id; a reload in the middle
of the wage triage offers to go on (继续 shows the pending question again
without sending anything, and the form takes the next answer) or to start
over (重新开始); 新对话 clears the history and the server forgets the form, so
the next message is not taken as a form answer. Screenshots:
``test-artifacts/reload-mid-form-<size>.png`` and ``new-conversation-<size>.png``.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.chat_page import (
    ask,
    bot_rows,
    click,
    history,
    open_chat,
    reload,
    sender,
    server_state,
    viewport_params,
)

WAGE_FORM = "wage_triage_form"
PROMPT = "您刚才在回答“讨薪步骤梳理”的问题，要继续吗？"
DEBTOR_ANSWER = "公司或老板"  # an answer to the triage's first question (who owes the money)


def start_wage_triage(page):
    """The 讨薪 chip starts the triage; its first question, asked with buttons."""
    question = click(page, page.locator(".chip", has_text="讨薪"))
    expect(question).to_have_attribute("data-kind", "question")
    return question


@viewport_params()
def test_a_reload_keeps_the_conversation(new_page, stack, viewport):
    page = open_chat(new_page, stack, viewport)
    ask(page, "老板拖欠工资三个月了怎么办")
    before, conversation = history(page), sender(page)
    assert [who for who, _ in before][:1] == ["user"] and len(before) >= 2
    reload(page)
    assert history(page) == before and sender(page) == conversation
    expect(page.locator(".msg.resume")).to_have_count(0)  # no form was open: nothing to continue
    expect(bot_rows(page).last.locator(".feedback")).to_be_visible()  # a restored answer can still be rated


@viewport_params()
def test_a_reload_mid_form_offers_to_continue_the_pending_question(new_page, stack, viewport, screenshot):
    page = open_chat(new_page, stack, viewport)
    question = start_wage_triage(page).locator(".bubble").inner_text()
    reload(page)
    prompt = page.locator(".msg.resume")
    expect(prompt.locator(".bubble")).to_contain_text(PROMPT)
    expect(prompt.get_by_role("button")).to_have_text(["继续", "重新开始"])
    screenshot(page, f"reload-mid-form-{viewport}.png")
    sent = []
    page.on("request", lambda request: sent.append(request.url) if "/api/chat" in request.url else None)
    replies = bot_rows(page).count()
    prompt.get_by_role("button", name="继续").click()
    expect(bot_rows(page)).to_have_count(replies + 1)
    assert bot_rows(page).last.locator(".bubble").inner_text() == question
    expect(prompt.get_by_role("button", name="继续")).to_be_disabled()
    assert sent == []  # nothing new was sent: the question came from the history
    after = click(page, bot_rows(page).last.locator(".choices button").first)  # the form takes the answer
    expect(after).to_have_attribute("data-kind", "question")
    assert after.locator(".bubble").inner_text() != question
    assert server_state(stack, page)["active_form"] == WAGE_FORM


@viewport_params()
def test_starting_over_from_the_prompt_resets_the_form(new_page, stack, viewport):
    page = open_chat(new_page, stack, viewport)
    start_wage_triage(page)
    reload(page)
    page.locator(".msg.resume").get_by_role("button", name="重新开始").click()
    expect(page.locator(".msg.note")).to_contain_text("已开始新对话")
    assert history(page) == [("bot", page.locator(".msg.note .bubble").inner_text())]
    assert server_state(stack, page)["active_form"] is None


@viewport_params()
def test_new_conversation_clears_the_history_and_the_server_forgets_the_form(new_page, stack, viewport, screenshot):
    page = open_chat(new_page, stack, viewport)
    start_wage_triage(page)
    assert server_state(stack, page)["active_form"] == WAGE_FORM
    conversation = sender(page)
    page.get_by_role("button", name="新对话").click()
    expect(page.locator(".msg.note")).to_contain_text("已开始新对话")
    expect(page.locator(".msg.user")).to_have_count(0)
    assert sender(page) == conversation and server_state(stack, page)["active_form"] is None
    screenshot(page, f"new-conversation-{viewport}.png")
    reload(page)
    assert history(page) == []
    expect(page.locator(".msg.resume")).to_have_count(0)
    reply = ask(page, DEBTOR_ANSWER)  # mid-form this would fill the debtor and bring the next question
    assert reply.get_attribute("data-kind") != "question"
    assert server_state(stack, page)["active_form"] is None
