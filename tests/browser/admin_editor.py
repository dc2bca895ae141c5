"""Staff editor steps shared by the browser tests: create a draft (confirming a near-duplicate warning) and learn
the id the editor generated for it."""

from __future__ import annotations

from playwright.sync_api import expect


def create_draft(page) -> str:
    """Click 创建草稿 (a second time if the near-duplicate warning asks for it); the new entry's generated id."""
    page.get_by_role("button", name="创建草稿").click()
    page.wait_for_load_state()
    if page.locator("section.similar").count():
        page.get_by_role("button", name="创建草稿").click()
        page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("草稿已创建")
    return page.url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
