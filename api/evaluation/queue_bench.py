"""``farun bench --queue``: the unanswered-queue page at volume, in-process on a temporary database.

For each size (500 and 12,000 open questions by default) a fresh migrated
SQLite database is filled with distinct synthetic questions (subjects ×
problems × ways of asking, spread over channels, areas, kinds, counts and 30
days), written without groups and then grouped once by the same step that
groups rows queued before group ids were stored (timed). Then it measures, as
a reviewer signed in to the admin pages served in-process: the bytes of
/admin/unanswered and its render time (p50/p95, page 1, page 2, and a channel
filter), and the cost of queueing one more question (embedding plus placing it
in its group, committed) with the retriever's embedder.
"""

from __future__ import annotations

import tempfile
import time
from datetime import timedelta
from itertools import islice, product
from pathlib import Path

import numpy as np
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api import admin
from api.admin.session import COOKIE
from api.curation import auth, unanswered, unanswered_groups
from api.evaluation.report import table
from api.routers.curation import install
from knowledge_base.retrieval.embedder import get_embedder
from knowledge_base.store.db import open_database
from knowledge_base.store.models import Role, Turn, UnansweredGroup, UnansweredItem, utcnow

SIZES = (500, 12_000)
RENDERS = 30  # timed requests per page
INSERTS = 50  # timed questions queued on top of the seeded ones
PASSWORD = "bench-queue-password"
SUBJECTS = (
    "公司",
    "老板",
    "房东",
    "物业",
    "邻居",
    "网店",
    "朋友",
    "前夫",
    "儿子",
    "装修队",
    "包工头",
    "保险公司",
    "培训机构",
    "快递公司",
    "二手车商",
    "中介",
    "养老院",
    "医院",
    "学校",
    "村委会",
)
PROBLEMS = (
    "拖欠工资",
    "不退押金",
    "装修太吵",
    "借钱不还",
    "不签劳动合同",
    "不交社保",
    "卖假货",
    "不肯退款",
    "乱收费",
    "不给赔偿",
    "拖着不办手续",
    "擅自涨价",
    "辞退我不给补偿",
    "占用公共通道",
    "漏水不修",
    "不付赡养费",
    "不让看孩子",
    "泄露我的信息",
    "违约不交房",
    "扣我的证件",
    "打人",
    "骚扰我",
    "不开发票",
    "逼我签字",
    "不退学费",
    "让我加班不给钱",
    "拿走我的东西",
    "冒用我的名字",
    "不还车",
    "威胁我",
)
ASKING = (
    "怎么办",
    "可以起诉吗",
    "找哪个部门",
    "要准备什么材料",
    "多久能解决",
    "能要回来吗",
    "违法吗",
    "需要花钱吗",
    "去哪里投诉",
    "找律师有用吗",
)
OPENERS = ("", "请问", "想问一下")
CHANNELS = ("web", "wechat", "wecom")
AREAS = ("wage_arrears", "elderly_services", "legal_services", "other_topics", "enterprise_risk")
KINDS = ("abstain", "fallback", "not_useful", "referred")


def questions(count: int, skip: int = 0) -> list[str]:
    """``count`` distinct synthetic questions (after the first ``skip``)."""
    combos = product(OPENERS, ASKING, SUBJECTS, PROBLEMS)
    return [
        f"{opener}{subject}{problem}，{asking}"
        for opener, asking, subject, problem in islice(combos, skip, skip + count)
    ]


def seed(session, count: int) -> float:
    """``count`` open questions written without groups, then grouped once: the seconds the grouping took."""
    rng = np.random.default_rng(11)
    now = utcnow()
    for index, question in enumerate(questions(count)):
        session.add(
            UnansweredItem(
                question=question,
                reason=KINDS[index % len(KINDS)],
                channel=CHANNELS[index % len(CHANNELS)],
                area=AREAS[index % len(AREAS)],
                candidates=[],
                count=int(rng.integers(1, 6)),
                last_seen=now - timedelta(minutes=int(rng.integers(0, 30 * 24 * 60))),
            )
        )
    session.commit()
    started = time.perf_counter()
    unanswered_groups.place_ungrouped(session, get_embedder())
    return time.perf_counter() - started


def timed(call, runs: int) -> tuple[list[float], object]:
    timings, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = call()
        timings.append(time.perf_counter() - began)
    return timings, result


def percentile_ms(timings: list[float], p: int) -> float:
    return round(float(np.percentile(np.array(timings) * 1000, p)), 1)


def measure(count: int, folder: Path) -> dict:
    database = open_database(f"sqlite:///{folder / f'queue-{count}.db'}")
    with database.session() as session:
        auth.create_user(session, "reviewer", PASSWORD, Role.REVIEWER)
        session.commit()
        grouping_s = seed(session, count)
        groups = session.scalar(select(func.count()).select_from(UnansweredGroup))
    app = FastAPI()
    install(app)
    admin.install(app)
    app.state.curation_db = database
    row: dict = {"open": count, "groups": groups, "group_existing_s": round(grouping_s, 1)}
    with TestClient(app) as client:
        token = client.post("/api/curation/login", json={"username": "reviewer", "password": PASSWORD}).json()["token"]
        client.cookies.set(COOKIE, token)
        for name, url in (
            ("page 1", "/admin/unanswered"),
            ("page 2", "/admin/unanswered?page=2"),
            ("wechat only", "/admin/unanswered?channel=wechat"),
        ):
            timings, response = timed(lambda url=url: client.get(url), RENDERS)
            assert response.status_code == 200 and response.text.count('class="card group"') == 20, url
            row[name] = {
                "bytes": len(response.content),
                "p50_ms": percentile_ms(timings, 50),
                "p95_ms": percentile_ms(timings, 95),
            }
    embedder = get_embedder()
    with database.session() as session:
        turn = Turn(channel="web", sender="bench-queue", text="", kind="abstain", entry_ids=[], scores=[])
        session.add(turn)
        session.flush()
        inserts, embeds = [], []
        for question in questions(INSERTS, skip=count):
            began = time.perf_counter()
            embedder.encode([question])
            embeds.append(time.perf_counter() - began)
            began = time.perf_counter()
            unanswered.enqueue(session, question, "abstain", turn, [], embedder)
            session.commit()
            inserts.append(time.perf_counter() - began)
    row["insert"] = {
        "p50_ms": percentile_ms(inserts, 50),
        "p95_ms": percentile_ms(inserts, 95),
        "embedding_alone_p50_ms": percentile_ms(embeds, 50),
    }
    database.close()
    return row


def run_queue_bench(out_dir: Path, sizes: tuple[int, ...] = SIZES) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="farun-queue-bench-") as folder:
        rows = [measure(count, Path(folder)) for count in sizes]
    summary = {"sizes": rows, "report": str(write(rows, out_dir))}
    return summary


def write(rows: list[dict], out_dir: Path) -> Path:
    pages = [
        [row["open"], row["groups"], name, row[name]["bytes"], row[name]["p50_ms"], row[name]["p95_ms"]]
        for row in rows
        for name in ("page 1", "page 2", "wechat only")
    ]
    inserts = [
        [
            row["open"],
            row["insert"]["p50_ms"],
            row["insert"]["p95_ms"],
            row["insert"]["embedding_alone_p50_ms"],
            row["group_existing_s"],
        ]
        for row in rows
    ]
    text = "\n\n".join(
        [
            "# The unanswered queue at volume (`farun bench --queue`)",
            f"In-process, a signed-in reviewer, {RENDERS} requests a page; 20 groups a page.",
            table(["open questions", "groups", "page", "bytes", "p50 ms", "p95 ms"], pages),
            "## Queueing a question",
            f"{INSERTS} new questions, each embedded, placed in its group and committed; grouping the seeded "
            "questions once is the step that places questions queued before groups were stored.",
            table(
                ["open questions", "insert p50 ms", "insert p95 ms", "embedding alone p50 ms", "grouping seed s"],
                inserts,
            ),
        ]
    )
    path = out_dir / "bench_queue.md"
    path.write_text(text + "\n", encoding="utf-8")
    return path
