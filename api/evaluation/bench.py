"""``farun bench``: latency, throughput, memory, start-up time and index scaling, on loopback only.

Starts the whole stack (``api.stack.Stack``) and measures ``/api/chat`` with
topical questions (Rasa + action server + retrieval) sequentially and at 1, 5
and 20 concurrent clients; the same for a fixed-text baseline, Rasa's own REST
channel answering ``你好`` (the greet intent, answered by the ``utter_greet``
template with no custom action) on the same Rasa server, alongside ``/api/chat``
with the same greeting. Adds in-process retrieval latency, start-up time, the
resident memory of each process, and FAISS build time, size and query
latency for 1k, 10k and 100k synthetic 512-d vectors, flat against HNSW.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from itertools import cycle, islice
from pathlib import Path

import faiss
import httpx
import numpy as np
import psutil

from api.evaluation import plots
from api.evaluation.report import table
from api.evaluation.routing import DEFAULT_FILE, load_labelled
from api.stack import Stack

CONCURRENCY = (1, 5, 20)
SEQUENTIAL = 200
PER_LEVEL = 60
SIZES = (1_000, 10_000, 100_000)
KINDS = ("flat", "hnsw")
GREETING = "你好"
FLAT_BUDGET_MS = 10.0  # a flat query slower than this is a noticeable share of a chat turn


def percentiles(name: str, seconds: list[float], errors: int, wall: float) -> dict:
    ms = np.array(seconds) * 1000 if seconds else np.array([0.0])
    return {
        "name": name,
        "n": len(seconds),
        "errors": errors,
        **{f"p{p}_ms": round(float(np.percentile(ms, p)), 1) for p in (50, 95, 99)},
        "mean_ms": round(float(ms.mean()), 1),
        "throughput_rps": round(len(seconds) / wall, 2) if wall else 0.0,
    }


def load(name: str, send, messages: list[str], clients: int) -> dict:
    """Send ``messages`` with ``clients`` concurrent workers; every call is timed, failures counted."""

    def one(item: tuple[int, str]) -> float | None:
        started = time.perf_counter()
        try:
            send(f"bench-{name}-{item[0] % clients}", item[1])
        except (httpx.HTTPError, AssertionError):
            return None
        return time.perf_counter() - started

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        timings = list(pool.map(one, enumerate(messages)))
    wall = time.perf_counter() - started
    ok = [t for t in timings if t is not None]
    return {**percentiles(name, ok, len(timings) - len(ok), wall), "clients": clients}


def senders(stack: Stack) -> tuple:
    client = httpx.Client(timeout=120, limits=httpx.Limits(max_connections=max(CONCURRENCY)))

    def api(sender: str, message: str) -> None:
        response = client.post(f"{stack.api_url}/api/chat", json={"sender": sender, "message": message})
        assert response.status_code == 200 and response.json()["replies"], response.text

    def rasa(sender: str, message: str) -> None:
        response = client.post(f"{stack.rasa_url}/webhooks/farun/webhook", json={"sender": sender, "message": message})
        assert response.status_code == 200 and response.json(), response.text

    return client, api, rasa


def memory(stack: Stack) -> dict[str, float]:
    """Resident memory (MB) of each process with its children."""
    result = {}
    for name, pid in stack.pids().items():
        process = psutil.Process(pid)
        result[name] = round(sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 2**20, 1)
    return result


def retrieval_latency(questions: list[str]) -> dict:
    from knowledge_base.loader import load_knowledge_base
    from knowledge_base.retrieval.pipeline import Retriever

    retriever = Retriever(load_knowledge_base().entries)
    timings = []
    started = time.perf_counter()
    for question in questions:
        began = time.perf_counter()
        retriever.search(question)
        timings.append(time.perf_counter() - began)
    return percentiles("retrieval in-process", timings, 0, time.perf_counter() - started)


def scaling(sizes: tuple[int, ...] = SIZES, queries: int = 100) -> list[dict]:
    """Build time, index size and query latency of flat and HNSW FAISS indexes over random unit vectors;
    each query is a stored vector plus small noise, and recall@1 is the share of queries whose
    top row is that vector (flat finds it always; HNSW is approximate)."""
    from knowledge_base.retrieval.dense_index import DenseIndex

    rng = np.random.default_rng(7)
    rows = []
    for size in sizes:
        vectors = rng.standard_normal((size, 512)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        sources = rng.choice(size, queries, replace=False)
        probes = vectors[sources] + 0.02 * rng.standard_normal((queries, 512)).astype(np.float32)
        for kind in KINDS:
            started = time.perf_counter()
            index = DenseIndex(512, kind)
            index.add(vectors, [str(i) for i in range(size)])
            build = time.perf_counter() - started
            timings, found = [], 0
            for source, probe in zip(sources, probes):
                began = time.perf_counter()
                top = index.search(probe, 10)
                timings.append(time.perf_counter() - began)
                found += int(bool(top) and top[0][0] == source)
            rows.append(
                {
                    "size": size,
                    "kind": kind,
                    "build_s": round(build, 3),
                    "memory_mb": round(faiss.serialize_index(index.index).nbytes / 2**20, 2),
                    "query_ms": round(float(np.percentile(np.array(timings) * 1000, 50)), 3),
                    "recall@1": round(found / queries, 3),
                }
            )
    return rows


def switch_size(rows: list[dict], budget_ms: float = FLAT_BUDGET_MS) -> int | None:
    """The smallest measured size where a flat query exceeds ``budget_ms`` and HNSW keeps recall@1 >= 0.95."""
    for size in sorted({r["size"] for r in rows}):
        flat, hnsw = (next(r for r in rows if r["size"] == size and r["kind"] == k) for k in KINDS)
        if flat["query_ms"] > budget_ms and hnsw["recall@1"] >= 0.95:
            return size
    return None


def run_bench(out_dir: Path, sizes: tuple[int, ...] = SIZES) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    questions = [row["text"] for row in load_labelled(DEFAULT_FILE) if row["area"] != "chitchat_or_noise"]
    os.environ["FARUN_RATE_LIMITS"] = "off"  # the bench's clients send far faster than a person (api.rate_limits)
    stack = Stack()
    started = time.perf_counter()
    stack.start()
    summary: dict = {"startup_s": round(time.perf_counter() - started, 1)}
    try:
        client, api, rasa = senders(stack)
        summary["memory_mb_after_start"] = memory(stack)
        latency = [load("api-sequential", api, list(islice(cycle(questions), SEQUENTIAL)), 1)]
        for clients in CONCURRENCY:
            latency.append(load(f"api-{clients}c", api, list(islice(cycle(questions), PER_LEVEL)), clients))
        for clients in CONCURRENCY:
            latency.append(load(f"api-greet-{clients}c", api, [GREETING] * PER_LEVEL, clients))
            latency.append(load(f"rasa-rest-greet-{clients}c", rasa, [GREETING] * PER_LEVEL, clients))
        summary["memory_mb_after_load"] = memory(stack)
        client.close()
    finally:
        stack.stop()
    by_name = {row["name"]: row for row in latency}
    summary["latency"] = latency
    summary["api_over_rasa_p50"] = {
        f"{c}c": {
            "greet": round(by_name[f"api-greet-{c}c"]["p50_ms"] / by_name[f"rasa-rest-greet-{c}c"]["p50_ms"], 2),
            "topical": round(by_name[f"api-{c}c"]["p50_ms"] / by_name[f"rasa-rest-greet-{c}c"]["p50_ms"], 2),
        }
        for c in CONCURRENCY
    }
    summary["retrieval"] = retrieval_latency(questions)
    summary["scaling"] = scaling(sizes)
    summary["switch_to_hnsw_at"] = switch_size(summary["scaling"])
    summary["plots"] = [
        plots.latency(latency, out_dir / "bench_latency.png").name,
        plots.scaling(summary["scaling"], out_dir / "bench_scaling.png").name,
    ]
    summary["report"] = str(write(summary, out_dir))
    return summary


def write(summary: dict, out_dir: Path) -> Path:
    latency_rows = [
        [r["name"], r["clients"], r["n"], r["errors"], r["p50_ms"], r["p95_ms"], r["p99_ms"], r["throughput_rps"]]
        for r in summary["latency"]
    ]
    retrieval = summary["retrieval"]
    scaling_rows = [
        [r["size"], r["kind"], r["build_s"], r["memory_mb"], r["query_ms"], r["recall@1"]] for r in summary["scaling"]
    ]
    memory_rows = [
        [name, summary["memory_mb_after_start"][name], summary["memory_mb_after_load"][name]]
        for name in summary["memory_mb_after_start"]
    ]
    text = "\n\n".join(
        [
            "# Farun performance report (`make bench`)",
            f"Start-up of Rasa, the action server and the API (until /health is up and one warm-up question is "
            f"answered): **{summary['startup_s']} s**. All traffic on loopback.",
            "## /api/chat latency and throughput",
            "`api-*`: topical questions from tests/data/routing_test.jsonl through the API, Rasa, the action server "
            "and retrieval. Baseline: `rasa-rest-greet-*` is Rasa's own REST channel on the same server answering "
            "`你好` (greet, a fixed `utter_greet` text, no custom action); `api-greet-*` is the same greeting through "
            "the API.",
            table(["run", "clients", "n", "errors", "p50 ms", "p95 ms", "p99 ms", "req/s"], latency_rows),
            f"p50 ratio API / bare Rasa REST: {summary['api_over_rasa_p50']}",
            "![latency](bench_latency.png)",
            f"## Retrieval only (in-process, all collections)\n\np50 {retrieval['p50_ms']} ms, p95 {retrieval['p95_ms']} ms, "
            f"p99 {retrieval['p99_ms']} ms over {retrieval['n']} questions.",
            "## Resident memory (MB, process and its children)",
            table(["process", "after start", "after load"], memory_rows),
            "## Index scaling (synthetic unit vectors, 512-d)",
            table(["vectors", "kind", "build s", "index MB", "query p50 ms", "recall@1"], scaling_rows),
            f"Switch from the exact flat index to HNSW (`FARUN_INDEX_KIND=hnsw`) at about "
            f"**{summary['switch_to_hnsw_at'] or 'more than ' + str(max(r['size'] for r in summary['scaling']))}** "
            f"vectors per collection: the smallest measured size where a flat query takes over {FLAT_BUDGET_MS:.0f} ms "
            "while HNSW still finds the nearest vector in at least 95 % of queries.",
            "![scaling](bench_scaling.png)",
        ]
    )
    path = out_dir / "bench.md"
    path.write_text(text + "\n", encoding="utf-8")
    return path
