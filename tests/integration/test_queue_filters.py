"""The unanswered queue at volume: 45 groups paged 20 at a time, filtered, sorted and dismissed in bulk; large groups
shown as a sample with a page of their own and closed by their id.

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
from knowledge_base.store.models import AuditEvent, UnansweredGroup, UnansweredItem
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


class RefusingEmbedder(AxisEmbedder):
    """For reading a queue whose questions are all placed: nothing may be embedded any more."""

    def encode(self, texts: list[str]) -> np.ndarray:
        raise AssertionError(f"embedded again: {texts}")


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
    """The value of each group's selection checkbox (its group's id), by seeded group number."""
    found = re.findall(r'name="group" value="(\d+)" form="bulk-dismiss".*?<h2 id="q-\d+">问题组(\d+)·', html, re.S)
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
    for forged in ("1 x", str(2**63), "0"):
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


def test_five_hundred_open_questions_make_pages_of_twenty_groups_and_each_question_is_placed_once(app, session):
    """Issue 16's volume: 500 open questions (11 or 12 wordings of each of the 45 topics) written without groups."""
    for index in range(500):
        session.add(
            UnansweredItem(
                question=f"问题组{index % GROUPS:02d}·第{index}种问法",
                reason=KINDS[index % 3],
                channel=CHANNELS[index % 3],
                area=AREAS[index % 5],
                candidates=[],
                count=1 + index % 7,
                last_seen=LATEST - timedelta(minutes=index),
            )
        )
    session.commit()
    app.dependency_overrides[question_embedder] = AxisEmbedder
    reviewer = Staff(app, "reviewer")
    page = reviewer.get("/admin/unanswered").text
    assert page.count('class="card group"') == 20 and "共 45 组，每页 20 组，第 1 / 3 页" in page
    assert '<nav class="pager" aria-label="翻页">' in page and 'href="/admin/unanswered?page=2" rel="next"' in page
    sizes = [int(size) for size in re.findall(r'<p class="meta">(\d+) 种问法 · ', page)]
    assert len(sizes) == 20 and set(sizes) <= {11, 12}  # every wording of a topic in its one group
    assert page.count("<li>问题组") == 20 * 5 and page.count("另有 ") == 20  # five other wordings shown of each
    grouped = session.scalars(select(UnansweredItem.group_id).where(UnansweredItem.status == "open")).all()
    assert len(grouped) == 500 and None not in grouped and len(set(grouped)) == GROUPS
    app.dependency_overrides[question_embedder] = RefusingEmbedder
    assert reviewer.get("/admin/unanswered?page=3").text.count('class="card group"') == 5


def one_group(app, session, size: int) -> int:
    """``size`` wordings of one topic (group 0), spread over the channels, the first the most asked: the group's id."""
    for index in range(size):
        session.add(
            UnansweredItem(
                question=f"问题组00·第{index:03d}种问法",
                reason="abstain",
                channel=CHANNELS[index % 3],
                area="other_topics",
                candidates=[],
                count=size - index,
                last_seen=LATEST - timedelta(minutes=index),
            )
        )
    session.commit()
    app.include_router(unanswered_router.router)
    app.dependency_overrides[question_embedder] = AxisEmbedder
    Staff(app, "reviewer").get("/admin/unanswered")  # reading the queue groups questions written without a group
    return session.scalar(select(UnansweredGroup.id))


def closed(database) -> tuple[list[str], list[AuditEvent]]:
    with database.session() as fresh:
        questions = fresh.scalars(select(UnansweredItem.question).where(UnansweredItem.status == "dismissed")).all()
        events = fresh.scalars(select(AuditEvent).where(AuditEvent.action == "unanswered_dismissed")).all()
    return sorted(questions), events


def test_a_large_group_shows_five_other_wordings_links_to_all_of_them_and_is_dismissed_by_its_id(
    app, session, database
):
    group_id = one_group(app, session, 30)
    editor = Staff(app, "editor")
    page = editor.get("/admin/unanswered").text
    shown = re.findall(r"<li>(问题组00·第\d+种问法) ", page)
    assert shown == [f"问题组00·第{index:03d}种问法" for index in range(1, 6)]
    assert '<h2 id="q-' in page and "问题组00·第000种问法</h2>" in page and "30 种问法" in page
    link = f'<a href="/admin/unanswered/groups/{group_id}">另有 24 种问法</a>'
    assert link in page and f'name="group" value="{group_id}"' in page and 'name="also"' not in page

    detail = editor.get(f"/admin/unanswered/groups/{group_id}")
    assert detail.status_code == 200 and "共 30 种问法" in detail.text
    assert sorted(re.findall(r"<li>(问题组00·第\d+种问法) ", detail.text)) == [
        f"问题组00·第{index:03d}种问法" for index in range(30)
    ]
    wechat = editor.get(f"/admin/unanswered/groups/{group_id}?channel=wechat").text
    assert len(re.findall(r"<li>问题组00", wechat)) == 10 and 'href="/admin/unanswered?channel=wechat"' in wechat
    anonymous = TestClient(app).get(f"/admin/unanswered/groups/{group_id}", follow_redirects=False)
    assert anonymous.status_code in (302, 303) and "/admin/login" in anonymous.headers["location"]

    representative = re.search(r'action="/admin/unanswered/(\d+)/dismiss"', page)[1]
    action = f"/admin/unanswered/{representative}/dismiss"
    unsigned = editor.client.post(action, data={"reason": "与法律咨询无关", "group": str(group_id)})
    assert unsigned.status_code == 403 and closed(database)[0] == []
    done = editor.client.post(
        action,
        data={"reason": "与法律咨询无关", "group": str(group_id), "csrf_token": csrf_of(page)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    questions, events = closed(database)
    assert questions == [f"问题组00·第{index:03d}种问法" for index in range(30)]
    assert len(events) == 30 and {event.detail for event in events} == {"与法律咨询无关"}
    assert len({event.target for event in events}) == 30  # one audit row per question, as for any dismissal
    assert "目前没有待解决的问题" in editor.get("/admin/unanswered").text
    assert editor.get(f"/admin/unanswered/groups/{group_id}").status_code == 404


def test_a_group_action_closes_only_the_questions_the_filtered_list_showed(app, session, database):
    group_id = one_group(app, session, 30)
    editor = Staff(app, "editor")
    page = editor.get("/admin/unanswered?channel=wechat").text
    assert (
        "10 种问法" in page
        and f'<a href="/admin/unanswered/groups/{group_id}?channel=wechat">另有 4 种问法</a>' in page
    )
    done = editor.post("/admin/unanswered/dismiss?channel=wechat", {"reason": "测试用的问题", "group": [str(group_id)]})
    assert done.status_code == 200 and "已忽略所选的问题组" in done.text
    questions, events = closed(database)
    assert questions == [f"问题组00·第{index:03d}种问法" for index in range(1, 30, 3)] and len(events) == 10
    again = editor.post(
        "/admin/unanswered/dismiss?channel=wechat", {"reason": "测试用的问题", "group": [str(group_id)]}
    )
    assert again.status_code == 409 and "所选的问题组已被处理" in again.text
    assert "20 种问法" in editor.get("/admin/unanswered").text


def test_the_api_closes_a_group_of_six_hundred_by_its_id(app, session, database):
    group_id = one_group(app, session, 600)
    client = TestClient(app)
    token = client.post("/api/curation/login", json={"username": "reviewer", "password": PASSWORD}).json()["token"]
    client.headers["Authorization"] = f"Bearer {token}"
    [group] = queue(client)["groups"]
    assert (group["id"], group["size"], len(group["items"])) == (group_id, 600, 600)
    first = group["items"][0]["id"]
    too_many = client.post(
        f"/api/curation/unanswered/{first}/dismiss",
        json={"reason": "与法律咨询无关", "also": [item["id"] for item in group["items"][1:]]},
    )
    assert too_many.status_code == 422  # ``also`` still holds at most 500
    other = client.post(f"/api/curation/unanswered/{first}/dismiss", json={"reason": "重复", "group": group_id + 1})
    assert other.status_code == 409 and closed(database)[0] == []
    done = client.post(
        f"/api/curation/unanswered/{first}/dismiss", json={"reason": "与法律咨询无关", "group": group_id}
    )
    assert done.status_code == 200, done.text
    assert sorted(done.json()["closed"]) == sorted(item["id"] for item in group["items"])
    questions, events = closed(database)
    assert len(questions) == 600 and len(events) == 600
    assert queue(client)["groups"] == []
