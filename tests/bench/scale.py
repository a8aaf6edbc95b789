"""The long scale run, by hand: the index grows toward `--max-docs` articles (default 1,000,000), or for as
long as `--minutes` allows (default 30), by direct bulk loads of the generated documents; after each step,
the bulk rate of that step, the index size per 1,000 articles, and the p50/p99 of a seeded mix of faceted
searches straight to Elasticsearch. Only Elasticsearch is needed (`make test` or `make up` starts it).

    .venv/bin/python -m tests.bench.scale [--minutes 30] [--max-docs 1000000] [--step 50000] [--out DIR]

Writes `scale-long.json`, `scale-long.md` and `scale-long.png` (default folder tests/bench/results/) and
drops its namespace at the end. A progress bar shows the articles loaded.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import matplotlib
import orjson
from tqdm import tqdm

from shared.es.client import make_client
from shared.es.index import drop_namespace
from shared.settings import Settings
from tests.bench import engine
from tests.bench.articles import ArticleGenerator, documents
from tests.bench.search import direct_body, query_mix

matplotlib.use("Agg")
import matplotlib.pyplot as plt

BEST = engine.BulkConfig(500, 2, "-1")  # the engine's best configuration in every make bench so far
SEARCHES = 40


def search_latency(es: Any, alias: str, bodies: list[dict[str, Any]]) -> tuple[float, float]:
    took = []
    for body in bodies:
        t0 = time.perf_counter()
        es.search(index=alias, body=body)
        took.append((time.perf_counter() - t0) * 1000)
    took.sort()
    return round(statistics.median(took), 1), round(took[min(len(took) - 1, int(0.99 * len(took)))], 1)


def step_bodies(alias: str, start: int, count: int) -> list[bytes]:
    """Bulk bodies of the next step, built in a process of its own while Elasticsearch loads the current one
    (generating an article costs about as much CPU as Elasticsearch indexing it)."""
    docs = documents(ArticleGenerator(8).articles(20_000_000 + start, count), "s")
    return list(engine.bulk_bodies(docs, alias, BEST.bulk_docs))


def grow(minutes: float, max_docs: int, step: int, out: Path) -> list[dict[str, Any]]:
    settings = Settings(namespace=f"scale-{uuid.uuid4().hex[:8]}")
    es = make_client(settings)
    alias = engine.fresh_index(es, settings.namespace)
    points: list[dict[str, Any]] = []
    bodies = [direct_body(params) for params in query_mix(8, SEARCHES)]
    started = time.monotonic()
    counts = [min(step, max_docs - start) for start in range(0, max_docs, step)]
    try:
        with ProcessPoolExecutor(1) as pool, tqdm(total=max_docs, unit="article", desc="index") as bar:
            upcoming = pool.submit(step_bodies, alias, 0, counts[0])
            for n, count in enumerate(counts):
                ready = upcoming.result()
                if n + 1 < len(counts):
                    upcoming = pool.submit(step_bodies, alias, sum(counts[: n + 1]), counts[n + 1])
                point = engine.load_step(es, settings.elasticsearch_url, alias, ready, count, BEST.clients)
                point["search_p50_ms"], point["search_p99_ms"] = search_latency(es, alias, bodies)
                point["elapsed_min"] = round((time.monotonic() - started) / 60, 1)
                points.append(point)
                bar.update(count)
                bar.set_postfix(docs_per_s=point["docs_per_s"], kb_per_1000=point["kb_per_1000"])
                (out / "scale-long.json").write_bytes(orjson.dumps(points, option=orjson.OPT_INDENT_2))
                if time.monotonic() - started > minutes * 60:
                    break
            upcoming.cancel()
    finally:
        drop_namespace(es, alias)
    return points


def draw(points: list[dict[str, Any]], path: Path) -> None:
    x = [p["articles"] for p in points]
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
    panels = (
        ("docs_per_s", "Direct bulk rate as the index grows", "docs/s"),
        ("kb_per_1000", "Index size per 1,000 articles", "kB / 1,000 articles"),
        ("search_p50_ms", "Faceted search straight to ES (p50, p99)", "ms"),
    )
    axes[2].plot(x, [p["search_p99_ms"] for p in points], marker="s", label="p99")
    for ax, (key, title, unit) in zip(axes, panels, strict=True):
        ax.plot(x, [p[key] for p in points], marker="o", label="p50" if ax is axes[2] else None)
        ax.set(title=title, xlabel="articles in index", ylabel=unit)
        ax.set_ylim(bottom=0)  # fixes the top as well: every line must be drawn before
    axes[2].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def markdown(points: list[dict[str, Any]]) -> str:
    rows = ["| articles | minutes | bulk docs/s | kB per 1,000 | store MB | search p50 / p99 ms |", "|---|---|---|---|---|---|"]
    for p in points:
        rows.append(
            f"| {p['articles']:,} | {p['elapsed_min']} | {p['docs_per_s']:g} | {p['kb_per_1000']:g} | {p['store_mb']:g} "
            f"| {p['search_p50_ms']:g} / {p['search_p99_ms']:g} |"
        )
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.scale", description=__doc__)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--max-docs", type=int, default=1_000_000)
    parser.add_argument("--step", type=int, default=50_000)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    points = grow(args.minutes, args.max_docs, args.step, args.out)
    draw(points, args.out / "scale-long.png")
    (args.out / "scale-long.md").write_text(markdown(points))
    print(markdown(points))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
