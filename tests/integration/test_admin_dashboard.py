"""The dashboard page through TestClient (no Rasa): the date range, the CSV of each chart, the handoff figures.

Turns are written straight into this test's seeded database with fixed times;
the page's own date pickers ask for Beijing days.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta
from xml.etree import ElementTree

import pytest

from api.admin.routes.dashboard import MAX_DAYS, TITLES, date_range
from api.curation import analytics, charts
from knowledge_base.store.handoffs import HandoffRequest
from knowledge_base.store.models import Turn

TODAY = date(2026, 12, 7)


def turn(session, at: datetime, kind: str = "answer", intent: str = "wage_arrears") -> None:
    session.add(Turn(at=at, channel="web", sender="s" * 16, text="问题", kind=kind, intent=intent, entry_ids=[]))


@pytest.fixture
def seeded(app):
    now = datetime.utcnow().replace(microsecond=0)
    with app.state.curation_db.session() as session:
        turn(session, now - timedelta(minutes=5))
        turn(session, now - timedelta(minutes=4), "abstain", "out_of_scope")
        turn(session, now - timedelta(days=20), "handoff", "handoff")
        turn(session, now - timedelta(days=200))
        for opened, closed in ((30, 10), (90, 30), (600, 60)):  # minutes ago: 20, 60 and 540 minutes to close
            session.add(
                HandoffRequest(
                    sender="web:" + "a" * 16,
                    channel="web",
                    reason="requested",
                    last_turns=[],
                    status="done",
                    created_at=now - timedelta(minutes=opened),
                    closed_at=now - timedelta(minutes=closed),
                )
            )
        session.add(HandoffRequest(sender="web:b", channel="web", reason="fallback", last_turns=[], status="open"))
        session.commit()
    return now


@pytest.mark.parametrize(
    "days,start,end,expected",
    [
        (None, "", "", (TODAY - timedelta(days=29), TODAY, None)),
        (7, "", "", (TODAY - timedelta(days=6), TODAY, None)),
        (8, "", "", (TODAY - timedelta(days=29), TODAY, None)),
        (None, "2026-11-01", "2026-11-30", (date(2026, 11, 1), date(2026, 11, 30), None)),
        (None, "2026-12-01", "", (date(2026, 12, 1), TODAY, None)),
        (None, "2026-11-30", "2026-11-01", (TODAY - timedelta(days=29), TODAY, "起止日期不对")),
        (None, "2026-12-01", "2026-12-08", (TODAY - timedelta(days=29), TODAY, "结束日期不能晚于今天")),
        (None, "2024-01-01", "2026-12-01", (TODAY - timedelta(days=29), TODAY, f"统计范围最长{MAX_DAYS}天")),
        (None, "not-a-date", "", (TODAY - timedelta(days=29), TODAY, "起止日期不对")),
        (None, "", "2026-12-03", (date(2026, 12, 3), date(2026, 12, 3), None)),
    ],
)
def test_the_date_range(days, start, end, expected):
    span = date_range(days, start, end, TODAY)
    first, last, error = expected
    assert (span.first, span.last) == (first, last)
    assert (error is None and span.error is None) or (error and error in (span.error or ""))


def test_the_page_has_a_date_picker_legends_and_a_csv_link_per_chart(staff, seeded):
    page = staff("editor").get("/admin/dashboard")
    assert page.status_code == 200 and page.text.count("<svg") == 7 and "<script" not in page.text
    assert re.search(r'<input type="date" id="start" name="start" value="[\d-]+"', page.text)
    assert re.search(r'id="total-messages">3<', page.text)  # 20 days ago counts, 200 days ago not
    for chart in TITLES:
        assert f'href="/admin/dashboard/{chart}.csv?days=30"' in page.text
    assert "消息数（条）" in page.text and "条数（占比）" in page.text and "已回答 1（50%）" in page.text
    assert re.search(r'id="open-handoffs">1<', page.text)
    assert re.search(r'id="median-close">1.0 小时<', page.text) and "本期办结 3 件" in page.text
    narrow = staff("editor").get(f"/admin/dashboard?start={(seeded.date() - timedelta(days=1)).isoformat()}")
    assert re.search(r'id="total-messages">2<', narrow.text)
    wrong = staff("editor").get("/admin/dashboard?start=2026-12-05&end=2026-12-01")
    assert wrong.status_code == 200 and "起止日期不对" in wrong.text and "已显示最近 30 天" in wrong.text


def test_each_charts_numbers_download_as_csv(staff, seeded):
    editor = staff("editor")
    response = editor.get("/admin/dashboard/messages.csv?days=7")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    assert response.text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert rows[0] == ["日期", "消息数"] and len(rows) == 8 and sum(int(n) for _, n in rows[1:]) == 2
    intents = list(csv.reader(io.StringIO(editor.get("/admin/dashboard/intents.csv").text.lstrip("\ufeff"))))
    assert intents[0] == ["意图", "条数", "占比"] and ["欠薪与劳动权益", "1", "33.3%"] in intents
    abstain = list(csv.reader(io.StringIO(editor.get("/admin/dashboard/abstain.csv").text.lstrip("\ufeff"))))
    assert abstain[1:] == [["已回答", "1", "50.0%"], ["未作答", "1", "50.0%"]]
    assert editor.get("/admin/dashboard/nothing.csv").status_code == 404


def test_handoff_figures(app, seeded):
    with app.state.curation_db.session() as session:
        figures = analytics.handoff_figures(session, seeded.date() - timedelta(days=1), seeded.date() + timedelta(1))
        empty = analytics.handoff_figures(session, date(2026, 1, 1), date(2026, 1, 2))
    assert (figures.open, figures.closed, figures.median_hours) == (1, 3, 1.0)
    assert (empty.open, empty.closed, empty.median_hours) == (1, 0, None)


def test_charts_are_set_for_a_phone_with_long_names_on_their_own_line():
    question = "公司让我签一份自愿放弃社保的声明，不签就辞退我，这样合法吗，我该怎么办"
    svg = charts.share_chart("最常见的未解决问题", [(question, 3), ("短", 1)])
    root = ElementTree.fromstring(svg)
    assert root.get("viewBox").split()[2] == str(charts.WIDTH)
    sizes = {int(node.get("font-size")) for node in root.iter("{http://www.w3.org/2000/svg}text")}
    assert min(sizes) >= 14
    assert f"<title>{question}</title>" in svg and "…" in svg and "3（75%）" in svg
