"""What one hostile query costs: 64 prefix terms with a precision-8 geo facet, alone and six at a time.

    .venv/bin/python -m tests.bench.query_cost --articles 20000 [--keep] [--env SEARCH_TIMEOUT=2s ...]

Fills a namespace of its own with N articles over a vocabulary of random words (so a prefix expands to
many terms, as in a real archive) placed at random points over the world (so every precision-8 geohash
cell is a bucket of its own), starts the search service on it as `make up` serves it (shared/web/serving.py),
and prints, for each query shape, the status and `partial` flag and the seconds of: the query alone
(median of 3) and six at once (the slowest of the six). Wall-clock figures for the docs; no test relies
on them. Drops the namespace at the end unless `--keep` (then the next run reuses it).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import string
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from elasticsearch import helpers

from shared.articles.model import Location, NormalizedArticle
from shared.es.client import make_client
from shared.es.index import drop_namespace, ensure_index
from shared.es.indexer import indexed_source, to_document
from shared.settings import Settings
from tests.stack import free_port, gunicorn_argv, wait_until

ROOT = Path(__file__).resolve().parents[2]
NAMESPACE = "bench-query-cost"
LETTERS = string.ascii_lowercase
TWO_LETTERS = ["th*", "an*", "ka*", "lo*", "mi*", "re*", "st*", "co*"]
SHAPES = {
    "the partner's: 64 one-letter prefixes, geo 8": {
        "q": " ".join(c + "*" for c in (LETTERS * 3)[:64]),
        "facets": "geo",
        "geo_precision": "8",
    },
    "64 one-letter prefixes OR, geo 8": {
        "q": " OR ".join(c + "*" for c in (LETTERS * 3)[:64]),
        "facets": "geo",
        "geo_precision": "8",
    },
    "8 two-letter prefixes OR, geo 3": {"q": " OR ".join(TWO_LETTERS), "facets": "geo", "geo_precision": "3"},
    "the same, 100 hits a page": {"q": " OR ".join(TWO_LETTERS), "facets": "geo", "geo_precision": "3", "size": "100"},
    "8 two-letter prefixes OR, geo 8 within 1 km": {
        "q": " OR ".join(TWO_LETTERS),
        "facets": "geo",
        "geo_precision": "8",
        "near": "43.25,76.95",
        "within": "1km",
    },
    "two words": {"q": "ka lomi"},
}


def vocabulary(rng: random.Random, size: int) -> list[str]:
    return ["".join(rng.choices(LETTERS, k=rng.randint(3, 10))) for _ in range(size)]


def article(i: int, rng: random.Random, words: list[str], weights: list[float]) -> NormalizedArticle:
    lat, lon = rng.uniform(-80, 80), rng.uniform(-179, 179)
    return NormalizedArticle(
        id=f"cost-{i}",
        title=" ".join(rng.choices(words, weights, k=8)),
        body=" ".join(rng.choices(words, weights, k=200)),
        language="xx",  # no stemmer: the stems are the lower-cased words, indexing stays quick
        published_at=time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - rng.randrange(2 * 365 * 86400))),
        location=Location(city=f"City {i % 500}", country="Kazakhstan", country_code="KZ", lat=lat, lon=lon),
    )


def fill(settings: Settings, count: int) -> None:
    es = make_client(settings)
    if es.indices.exists_alias(name=settings.index_alias) and es.count(index=settings.index_alias)["count"] == count:
        return
    drop_namespace(es, settings.index_alias)
    ensure_index(es, settings)
    rng = random.Random(7)
    words = vocabulary(rng, 50_000)
    weights = [1 / (rank + 10) for rank in range(len(words))]  # Zipf-like: a few common words, a long tail
    actions = (
        {
            "_index": settings.index_alias,
            "_id": f"cost-{i}",
            "_source": indexed_source(to_document(article(i, rng, words, weights))),
        }
        for i in range(count)
    )
    helpers.bulk(es.options(request_timeout=120), actions, chunk_size=500)
    es.indices.refresh(index=settings.index_alias)
    es.options(request_timeout=600).indices.forcemerge(index=settings.index_alias, max_num_segments=1)


def one(url: str, params: dict[str, str]) -> tuple[int, bool | None, float]:
    started = time.perf_counter()
    answer = requests.get(f"{url}/v1/search", params=params, timeout=120)
    seconds = time.perf_counter() - started
    partial = answer.json().get("partial") if answer.status_code == 200 else None
    return answer.status_code, partial, seconds


def measure(url: str) -> None:
    print("| query | status | partial | alone (s, median of 3) | six at once (s, slowest) |")
    print("|---|---|---|---|---|")
    for name, params in SHAPES.items():
        alone = [one(url, params) for _ in range(3)]
        with ThreadPoolExecutor(6) as pool:
            six = list(pool.map(one, [url] * 6, [params] * 6))
        status, partial = alone[-1][0], alone[-1][1]
        median = statistics.median(s for _, _, s in alone)
        slowest = max(s for _, _, s in six)
        print(f"| {name} | {status} | {partial} | {median:.2f} | {slowest:.2f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--keep", action="store_true", help="keep the namespace for the next run")
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for the search service")
    args = parser.parse_args()
    settings = Settings(namespace=NAMESPACE)
    started = time.perf_counter()
    fill(settings, args.articles)
    print(f"{args.articles} articles ready in {time.perf_counter() - started:.0f}s", flush=True)
    port = free_port()
    env = {**os.environ, "NAMESPACE": NAMESPACE, "LOG_LEVEL": "WARNING", "SEARCH_ADDRESS_RATE_LIMIT": ""}
    env.update(item.split("=", 1) for item in args.env)
    argv = gunicorn_argv(port, "services.search.wsgi:app")  # served as `make up` serves it (shared/web/serving.py)
    log = ROOT / "test-output" / f"{NAMESPACE}.log"
    log.parent.mkdir(exist_ok=True)
    server = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: requests.get(f"{url}/readyz", timeout=2).ok, 60, what="search service")
        measure(url)
    finally:
        server.terminate()
        server.wait(30)
        if not args.keep:
            drop_namespace(make_client(settings), settings.index_alias)


if __name__ == "__main__":
    main()
