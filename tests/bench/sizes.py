"""How big each measurement is in the full run (by hand) and in the quick run (CI: proves the harness works)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    name: str
    repeats: int  # runs after the warm-up; medians are reported
    norm_pages: int  # pages normalized per run, per format
    engine_docs: int  # documents per direct bulk load
    bulk_sizes: tuple[int, ...]  # the sweep for the engine's limit...
    bulk_clients: tuple[int, ...]
    refreshes: tuple[str, ...]
    e2e_json: int  # articles per end-to-end JSON run
    e2e_html: int  # pages per end-to-end HTML run
    post_clients: int  # concurrent POSTing clients
    freshness_s: float  # seconds of steady load at half the maximum rate
    freshness_batch: int  # articles per POST of that load (1: single-article POSTs)
    search_docs: int  # articles in the index searched
    scale_steps: int  # points on the scale curve (the index grows to search_docs)
    search_queries: int  # queries per latency run and per concurrency level


FULL = Sizes("full", 3, 100, 5_000, (500, 2000), (1, 2), ("-1",), 2_000, 200, 4, 30, 10, 100_000, 10, 60)
QUICK = Sizes("quick", 1, 6, 600, (300,), (1, 2), ("-1",), 40, 10, 4, 3, 10, 1_000, 2, 12)
