"""Legislative-opinion collection in Debian's chromium: staff create and publish a consultation, a resident comments
on /consult/<id> from a phone, staff mark the comment 采纳, publish the feedback and export the workbook.

Runs the API's consultation page, the curation sign-in and the admin pages in-process (uvicorn on a loopback
port, on this test's copy of the seeded database); neither Rasa nor the retriever is needed. Screenshots:
``consultation-admin-create.png``, ``consultation-web.png`` (phone), ``consultation-admin-responses.png``,
``consultation-web-feedback.png``.
"""

from __future__ import annotations

import io
import re
import socket
import threading
import time
from datetime import timedelta

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from openpyxl import load_workbook
from playwright.sync_api import expect

from api import admin
from api.routers import consultations, web
from api.routers.curation import install
from api.security_headers import SecurityHeaders
from knowledge_base.store import consultations as store
from tests.helpers import PASSWORD

DRAFT = """# 某市游泳场所卫生管理办法（征求意见稿）
## 第一章 总则
第一条 为了保障游泳者健康，制定本办法。
第二条 本办法适用于本市行政区域内的游泳场所。
## 第二章 卫生要求
第三条 游泳场所应当每日检测水质。
第三条之一 检测结果应当在入口处公示。
"""
COMMENT = "建议公示结果时同时写明检测单位，我的电话13812345678。"


@pytest.fixture
def server(database, tmp_path, monkeypatch):
    monkeypatch.setenv("FARUN_DATA_DIR", str(tmp_path))
    app = FastAPI()
    app.include_router(consultations.router)
    install(app)
    admin.install(app)
    app.mount("/static", StaticFiles(directory=web.STATIC_DIR), name="static")
    app.add_middleware(SecurityHeaders)
    app.state.curation_db = database
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    running = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(10)


def test_staff_publish_a_resident_comments_staff_adopt_and_export(server, database, new_page, screenshot):
    staff = new_page(1280, 900)
    staff.goto(server + "/admin/consultations/new")
    staff.get_by_label("用户名").fill("reviewer")
    staff.get_by_label("密码").fill(PASSWORD)
    staff.get_by_role("button", name="登录").click()
    expect(staff).to_have_url(re.compile(r"/admin/consultations/new$"))
    today = store.beijing_today()
    staff.get_by_label("起草（发布）单位").fill("某市司法局")
    staff.get_by_label("通俗说明").fill("游泳场所要每天检测水质，并在入口处公示结果。")
    staff.get_by_label("开始日期").fill(today.isoformat())
    staff.get_by_label("截止日期（含当天）").fill((today + timedelta(days=14)).isoformat())
    staff.get_by_label(re.compile("草案全文")).fill(DRAFT)
    staff.get_by_label(re.compile("问卷")).fill("单选｜您是否赞成每日公示水质？｜赞成、不赞成")
    staff.get_by_label(re.compile("座谈会、论证会")).fill("座谈会｜2030-01-05 09:30｜区司法局三楼会议室｜20")
    screenshot(staff, "consultation-admin-create.png")
    staff.get_by_role("button", name="创建草稿").click()
    expect(staff.get_by_role("status")).to_contain_text("征求意见项目已创建")
    staff.get_by_role("button", name="发布，开始征集").click()
    expect(staff.get_by_role("status")).to_contain_text("已发布")
    consult_path = staff.locator("a[href^='/consult/']").inner_text()

    resident = new_page()
    resident.goto(server + consult_path)
    expect(resident.get_by_role("heading", level=1)).to_have_text("某市游泳场所卫生管理办法（征求意见稿）")
    expect(resident.get_by_text("第三条之一", exact=False).first).to_be_visible()
    resident.get_by_text("对第三条之一提意见").click()
    resident.get_by_label(re.compile("您对第三条之一的意见")).fill(COMMENT)
    resident.locator("form[data-article]").filter(has_text="第三条之一").get_by_role("button", name="提交意见").click()
    expect(resident.get_by_text("感谢您的意见，我们已经收到。")).to_be_visible()
    expect(resident.locator("#mine")).to_contain_text("138****5678")
    resident.get_by_label("赞成", exact=True).check()
    resident.get_by_role("button", name="保存问卷").click()
    expect(resident.get_by_text(re.compile("问卷已保存"))).to_be_visible()
    screenshot(resident, "consultation-web.png")

    staff.reload()
    expect(staff.get_by_text("第三条之一（1 条意见）")).to_be_visible()
    opinion = staff.locator("article.opinion").first
    opinion.get_by_label("采纳", exact=True).check()
    opinion.get_by_label(re.compile("理由")).fill("已在第三条之一中写明检测单位")
    opinion.get_by_role("button", name=re.compile("保存意见.*处理结果")).click()
    expect(staff.get_by_role("status")).to_contain_text("处理结果已保存")
    staff.get_by_label(re.compile("反馈说明")).fill("共收到1条意见，采纳1条，已据此修改草案。")
    staff.get_by_role("button", name="发布反馈").click()
    expect(staff.get_by_role("status")).to_contain_text("反馈说明已发布")
    screenshot(staff, "consultation-admin-responses.png")
    with staff.expect_download() as download_info:
        staff.get_by_role("link", name="导出 Excel").click()
    workbook = load_workbook(io.BytesIO(open(download_info.value.path(), "rb").read()))
    assert workbook.sheetnames == ["整体意见", "第一条", "第二条", "第三条", "第三条之一", "问卷", "报名"]
    rows = {name: workbook[name].max_row - 1 for name in workbook.sheetnames}
    assert rows == {"整体意见": 0, "第一条": 0, "第二条": 0, "第三条": 0, "第三条之一": 1, "问卷": 1, "报名": 0}
    assert workbook["第三条之一"]["F2"].value == "采纳" and "138****5678" in workbook["第三条之一"]["D2"].value

    resident.reload()
    expect(resident.locator("#feedback")).to_have_text("共收到1条意见，采纳1条，已据此修改草案。")
    expect(resident.locator("#mine")).to_contain_text("处理结果：采纳")
    screenshot(resident, "consultation-web-feedback.png")
