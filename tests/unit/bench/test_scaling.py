"""The arithmetic of the scaling benchmark (tests/bench/scaling.py): core shares, Redis keys by kind, the plan's figures."""

from __future__ import annotations

from typing import Any

from tests.bench.scaling import busy_share, key_kind, markdown, per_article, plan


def test_a_cores_busy_share_is_its_busy_ticks_over_all_its_ticks() -> None:
    before = {"0": (100, 1000), "1": (500, 1000)}
    assert busy_share(before, {"0": (150, 1100), "1": (590, 1100)}) == {"0": 0.5, "1": 0.9}


def test_redis_keys_are_counted_as_queues_ledger_statuses_or_other() -> None:
    kinds = [
        key_kind(f"ns:{rest}", "ns")
        for rest in ("ns.articles", "ns.index\x06\x163", "inflight:payloads", "status:ab", "workers:w")
    ]
    assert kinds == ["queues", "queues", "inflight", "status", "other"]
    grown = per_article({"queues": 2500, "status": 700}, {"queues": 500, "status": 100}, 10)
    assert grown == {"queues": 200, "status": 60, "all": 260}


def point(concurrency: int, rate: float, worker_ms: float) -> dict[str, Any]:
    ms = {"elasticsearch": 2.0, "worker": worker_ms, "indexer": 0.5, "ingest": 0.5, "redis": 0.25, "load client": 0.25}
    return {
        "concurrency": concurrency,
        "pinned": True,
        "articles_per_s": rate,
        "runs_articles_per_s": [rate],
        "cpu_ms_per_article": ms,
        "core_busy": {"0": 0.3, "1": 1.0},
        "cpu": {"wall_s": 10.0, "cpu_s": {"elasticsearch (shared)": 3.0, "worker": 8.0, "load client": 1.0}},
    }


def results() -> dict[str, Any]:
    held = {"queues": 10_000, "inflight": 8_000, "status": 250, "other": 0, "all": 18_250}
    reference = point(2, 100.0, 5.0) | {"pinned": False}
    reference["redis_memory"] = {
        "articles": 40,
        "bytes_per_article": {"waiting_for_worker": held, "waiting_for_indexer": held, "kept_indexed": {"all": 250}},
    }
    return {
        "meta": {"mode": "quick", "started": "s", "finished": "f", "cpus": 2, "load_start": 0, "load_end": 1, "command": "c"},
        "engine_all_cores": {"docs_per_s": 2000.0},
        "engine_core0": {"docs_per_s": 1000.0},
        "reference": reference,
        "points": [point(1, 154.0, 4.0), point(2, 160.0, 4.0), point(3, 158.0, 5.0), point(4, 140.0, 6.0)],
    }


def test_the_plan_reads_the_fastest_pinned_point_against_one_elasticsearch_core() -> None:
    figures = plan(results(), queue_max_depth=10_000)
    assert figures["best_concurrency"] == 2 and figures["fewest_processes_within_5pct"] == 1
    assert figures["python_ms"] == 5.0 and figures["python_cores_per_es_core"] == 2.5
    assert figures["worker_cores_per_es_core"] == 2.0
    assert (figures["es_core_articles_per_s"], figures["python_core_articles_per_s"]) == (500, 200)
    assert figures["core1_articles_per_s_from_cpu"] == 182  # 1000 / (5 + 0.25 Redis + 0.25 load client)
    assert figures["redis_core_articles_per_s"] == 4000
    assert figures["backlog_mb_at_queue_max_depth"] == 182.5 and figures["kept_mb_per_million_indexed"] == 250


def test_the_report_has_a_row_per_point_and_the_redis_table() -> None:
    r = results()
    r["plan"] = plan(r, queue_max_depth=10_000)
    text = markdown(r)
    assert (
        text.count("| ES core 0, the rest core 1 |") == 4
        and "| 2 | nothing | 100 (100) | 0.100 | 0.30 / 1.00 | 0.30 / 0.90 |" in text
    )
    assert "| waiting for worker | 10,000 | 8,000 | 250 | 0 | 18,250 |" in text
