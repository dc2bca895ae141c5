"""The bench's arithmetic and its index-scaling probe (no servers, no timing assertions)."""

from __future__ import annotations

from api.evaluation.bench import percentiles, scaling, switch_size


def test_percentiles_count_errors_and_throughput():
    row = percentiles("x", [0.1, 0.2, 0.3, 0.4], errors=2, wall=2.0)
    assert (row["n"], row["errors"], row["throughput_rps"]) == (4, 2, 2.0)
    assert row["p50_ms"] == 250.0 and row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"] <= 400.0


def test_flat_index_always_finds_the_stored_vector():
    rows = scaling((500,), queries=20)
    flat = next(r for r in rows if r["kind"] == "flat")
    assert flat["recall@1"] == 1.0
    assert {r["kind"] for r in rows} == {"flat", "hnsw"}


def test_switch_size_needs_a_slow_flat_index_and_an_accurate_hnsw():
    rows = [
        {"size": 1000, "kind": "flat", "query_ms": 0.1, "recall@1": 1.0},
        {"size": 1000, "kind": "hnsw", "query_ms": 0.1, "recall@1": 1.0},
        {"size": 9000, "kind": "flat", "query_ms": 30.0, "recall@1": 1.0},
        {"size": 9000, "kind": "hnsw", "query_ms": 0.2, "recall@1": 0.5},
        {"size": 90000, "kind": "flat", "query_ms": 80.0, "recall@1": 1.0},
        {"size": 90000, "kind": "hnsw", "query_ms": 0.3, "recall@1": 0.97},
    ]
    assert switch_size(rows, budget_ms=10) == 90000
    assert switch_size(rows[:4], budget_ms=10) is None
