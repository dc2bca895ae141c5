"""The unanswered queue at volume: 45 groups paged 20 at a time, filtered, sorted and dismissed in bulk.

The JSON API and the staff page run in-process on a seeded copy of the
database holding 45 groups of open questions with known channels, areas,
kinds, counts and times. Grouping itself is tested in ``test_unanswered``;
here a stand-in embedder puts the questions of one group on one axis, so the
groups are exactly the seeded ones and every expectation follows from the seed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.curation.local_time import beijing_date
from api.dependencies import question_embedder
from api.routers import unanswered as unanswered_router
from knowledge_base.store.models import AuditEvent, UnansweredItem
from tests.helpers import PASSWORD, Staff, csrf_of

GROUPS = 45
CHANNELS = ("web", "wechat", "wecom")
AREAS = ("wage_arrears", "elderly_services", "legal_services", "other_topics", "enterprise_risk")
KINDS = ("abstain", "fallback", "not_useful")
LATEST = datetime(2026, 11, 25, 4, 30)  # UTC; never on a Beijing midnight, nor are 10-hour steps back


@dataclass(frozen=True)
class Seeded:
    number: int
    channel: str
    area: str
    kind: str
    questions: tuple[str, ...]
    total: int
    last_seen: datetime


def seeded(number: int) -> Seeded:
    """Group ``number``: its sizes grow with the number, its times follow another order (7 is prime to 45)."""
    questions = (f"问题组{number:02d}·问法1",) + ((f"问题组{number:02d}·问法2",) if number % 4 == 0 else ())
    return Seeded(
        number=number,
        channel=CHANNELS[number % 3],
        area=AREAS[number % 5],
        kind=KINDS[(number // 3) % 3],
        questions=questions,
        total=2 * number + 2 + (len(questions) - 1),
        last_seen=LATEST - timedelta(hours=10 * ((number * 7) % GROUPS)),
    )


SEED = [seeded(number) for number in range(GROUPS)]


class AxisEmbedder:
    """Puts every question of group N on axis N, so exactly the seeded groups form."""

    model_name = "test-axis"

    def encode(self, texts: list[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), GROUPS), dtype=np.float32)
        for row, text in enumerate(texts):
            vectors[row, int(re.search(r"问题组(\d+)", text)[1])] = 1.0
        return vectors


@pytest.fixture
def queue_app(app, session):
    for group in SEED:
        for index, question in enumerate(group.questions):
            session.add(
                UnansweredItem(
                    question=question,
                    reason=group.kind,
                    channel=group.channel,
                    area=group.area,
                    candidates=[],
                    count=group.total - (len(group.questions) - 1) if index == 0 else 1,
                    first_seen=group.last_seen - timedelta(days=1),
                    last_seen=group.last_seen - timedelta(minutes=index),
                )
            )
    session.commit()
    app.include_router(unanswered_router.router)
    app.dependency_overrides[question_embedder] = AxisEmbedder
    return app


@pytest.fixture
def api(queue_app) -> TestClient:
    """The JSON API, signed in as a reviewer."""
    client = TestClient(queue_app)
    token = client.post("/api/curation/login", json={"username": "reviewer", "password": PASSWORD}).json()["token"]
    client.headers["Authorization"] = f"Bearer {token}"
    return client


def queue(api: TestClient, **params) -> dict:
    response = api.get("/api/curation/unanswered", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def numbers(body: dict) -> list[int]:
    """The seeded group number of each group in a JSON page."""
    return [int(re.search(r"问题组(\d+)", group["items"][0]["question"])[1]) for group in body["groups"]]


def by_size(groups: list[Seeded]) -> list[int]:
    return [group.number for group in sorted(groups, key=lambda group: -group.total)]


def test_the_api_pages_twenty_groups_at_a_time_most_asked_first(api):
    pages = [queue(api, page=number) for number in (1, 2, 3)]
    assert [(body["total"], body["pages"], body["page_size"]) for body in pages] == [(GROUPS, 3, 20)] * 3
    assert [len(body["groups"]) for body in pages] == [20, 20, 5]
    assert sum((numbers(body) for body in pages), []) == by_size(SEED)  # every group once, the biggest first
    assert pages[0]["groups"][0]["total"] == max(group.total for group in SEED)
    assert [len(group["items"]) for group in pages[0]["groups"]] == [
        len(SEED[number].questions) for number in numbers(pages[0])
    ]
    assert numbers(queue(api, page=2, page_size=7)) == by_size(SEED)[7:14]
    assert len(queue(api, page_size=100)["groups"]) == GROUPS
    assert queue(api, page=4)["groups"] == []


@pytest.mark.parametrize(
    "params", [{"page": 0}, {"page": "x"}, {"page_size": 0}, {"page_size": 101}, {"channel": "fax"}, {"kind": "x"}]
)
def test_the_api_refuses_bad_paging_and_unknown_filters(api, params):
    assert api.get("/api/curation/unanswered", params=params).status_code == 422


@pytest.mark.parametrize(
    ("params", "keep"),
    [
        ({"channel": "wechat"}, lambda group: group.channel == "wechat"),
        ({"area": "elderly_services"}, lambda group: group.area == "elderly_services"),
        ({"kind": "not_useful"}, lambda group: group.kind == "not_useful"),
        ({"kind": "fallback", "channel": "web"}, lambda group: group.kind == "fallback" and group.channel == "web"),
        ({"since": "2026-11-20"}, lambda group: beijing_date(group.last_seen) >= date(2026, 11, 20)),
        (
            {"since": "2026-11-12", "until": "2026-11-17"},
            lambda group: date(2026, 11, 12) <= beijing_date(group.last_seen) <= date(2026, 11, 17),
        ),
    ],
)
def test_each_filter_keeps_exactly_the_matching_groups(api, params, keep):
    expected = by_size([group for group in SEED if keep(group)])
    assert 0 < len(expected) < GROUPS
    body = queue(api, page_size=100, **params)
    assert numbers(body) == expected and body["total"] == len(expected)


def test_a_date_range_must_run_forwards(api):
    refused = api.get("/api/curation/unanswered", params={"since": "2026-11-20", "until": "2026-11-19"})
    assert refused.status_code == 422 and "开始日期不能晚于结束日期" in refused.text


def test_newest_first_sorts_by_the_latest_question_of_each_group(api):
    newest = [group.number for group in sorted(SEED, key=lambda group: group.last_seen, reverse=True)]
    assert newest != by_size(SEED)
    assert numbers(queue(api, sort="newest")) + numbers(queue(api, sort="newest", page=2)) == newest[:40]


def listed(html: str) -> list[int]:
    """The seeded group number of each group on the staff page, in order."""
    return [int(number) for number in re.findall(r'<h2 id="q-\d+">问题组(\d+)·', html)]


def test_the_page_shows_twenty_groups_with_page_links_that_keep_the_filters(queue_app):
    reviewer = Staff(queue_app, "reviewer")
    first = reviewer.get("/admin/unanswered")
    assert listed(first.text) == by_size(SEED)[:20] and f"共 {GROUPS} 组，每页 20 组，第 1 / 3 页" in first.text
    assert re.findall(r'<a href="(/admin/unanswered\?page=\d)" aria-label="第 \d 页">', first.text) == [
        "/admin/unanswered?page=2",
        "/admin/unanswered?page=3",
    ]
    assert listed(reviewer.get("/admin/unanswered?page=3").text) == by_size(SEED)[40:]

    wechat = [group for group in SEED if group.channel == "wechat"]
    filtered = reviewer.get("/admin/unanswered?channel=wechat&sort=newest&area=&kind=&since=&until=")
    newest = [group.number for group in sorted(wechat, key=lambda group: group.last_seen, reverse=True)]
    assert listed(filtered.text) == newest and f"共 {len(wechat)} 组" in filtered.text
    assert '<option value="wechat" selected>' in filtered.text and '<option value="newest" selected>' in filtered.text
    for label in ("渠道", "领域", "问题类型", "最近被问：从", "到（含当天）", "排序"):
        assert re.search(rf'<label for="\w+">{label}</label>', filtered.text)

    none = reviewer.get("/admin/unanswered?since=2030-01-01")
    assert listed(none.text) == [] and "没有符合筛选条件的待解决问题" in none.text
    backwards = reviewer.get("/admin/unanswered?since=2026-11-20&until=2026-11-19")
    assert backwards.status_code == 422 and "开始日期不能晚于结束日期" in backwards.text


def checkboxes(html: str) -> dict[int, str]:
    """The value of each group's selection checkbox (its questions' ids), by seeded group number."""
    found = re.findall(r'name="group" value="([\d ]+)".*?<h2 id="q-\d+">问题组(\d+)·', html, re.S)
    return {int(number): value for value, number in found}


def test_ticked_groups_are_dismissed_together_with_one_reason(queue_app, database):
    editor = Staff(queue_app, "editor")
    page = editor.get("/admin/unanswered?sort=newest&page=2")
    newest = [group.number for group in sorted(SEED, key=lambda group: group.last_seen, reverse=True)]
    assert listed(page.text) == newest[20:40]
    chosen = [
        next(number for number in newest[20:40] if number % 4 == 0),
        *[number for number in newest[20:40] if number % 4][:2],
    ]
    assert sum(len(SEED[number].questions) for number in chosen) == 4  # one of them has two questions
    ticks = [checkboxes(page.text)[number] for number in chosen]

    action = "/admin/unanswered/dismiss?sort=newest&page=2"
    assert f'<form id="bulk-dismiss" method="post" action="{action.replace("&", "&amp;")}"' in page.text
    nothing = editor.post(action, {"reason": "与法律咨询无关"})
    assert nothing.status_code == 422 and "请先勾选要忽略的问题组" in nothing.text
    for forged in ("1 x", str(2**63)):
        refused = editor.post(action, {"reason": "与法律咨询无关", "group": [forged]})
        assert refused.status_code == 422 and "所选的问题组无效" in refused.text
    no_reason = editor.post(action, {"reason": " ", "group": ticks})
    assert no_reason.status_code == 422 and "忽略时请填写原因" in no_reason.text

    data = {"reason": "测试用的问题", "group": ticks, "csrf_token": csrf_of(no_reason.text)}
    done = editor.client.post(action, data=data, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == "/admin/unanswered?sort=newest&page=2&notice=unanswered_dismissed_selected"
    after = editor.get(done.headers["location"])
    assert "已忽略所选的问题组" in after.text
    assert listed(after.text) == [number for number in newest if number not in chosen][20:40]
    with database.session() as fresh:
        closed = fresh.scalars(select(UnansweredItem).where(UnansweredItem.status == "dismissed")).all()
        events = fresh.scalars(select(AuditEvent).where(AuditEvent.action == "unanswered_dismissed")).all()
    assert sorted(item.question for item in closed) == sorted(q for n in chosen for q in SEED[n].questions)
    assert {item.resolution for item in closed} == {"测试用的问题"} and len(events) == 4
