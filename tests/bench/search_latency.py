"""Search latency: `/v1/search` with its facets next to the same Elasticsearch query sent directly.

    .venv/bin/python -m tests.bench.search_latency --articles 20000 --requests 400

Generates N articles (English, Russian, German; 12 places; two years of dates) straight into a
namespace of its own through the workers' bulk writer (stems and completions included), starts
the search service under gunicorn on that namespace, then measures p50 and p99 at 1 and 16
concurrent clients for both paths over the same seeded query mix. The direct path sends the very
body the service builds (`search_body`) to `<alias>/_search`; the service also opens a point in
time for a relevance-ordered first page, which the direct path does not, so the ratio includes it.
Drops the namespace at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import requests
from elasticsearch import helpers
from werkzeug.datastructures import MultiDict

from services.search.params import parse_search_args
from shared.articles.model import Location, NormalizedArticle
from shared.es.client import make_client
from shared.es.index import drop_namespace, ensure_index
from shared.es.indexer import indexed_source, to_document
from shared.es.queries import search_body
from shared.settings import Settings
from tests.bench.search import latencies
from tests.stack import free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]
PLACES = [
    ("Almaty", "Kazakhstan", "KZ", 43.25, 76.95),
    ("Astana", "Kazakhstan", "KZ", 51.17, 71.45),
    ("Bishkek", "Kyrgyzstan", "KG", 42.87, 74.59),
    ("Tashkent", "Uzbekistan", "UZ", 41.30, 69.24),
    ("Moscow", "Russia", "RU", 55.75, 37.62),
    ("Berlin", "Germany", "DE", 52.52, 13.40),
    ("Paris", "France", "FR", 48.86, 2.35),
    ("Madrid", "Spain", "ES", 40.42, -3.70),
    ("London", "United Kingdom", "GB", 51.51, -0.13),
    ("New York", "United States", "US", 40.71, -74.01),
    ("Tokyo", "Japan", "JP", 35.68, 139.69),
    ("Nairobi", "Kenya", "KE", -1.29, 36.82),
]
WORDS = {
    "en": [
        "election",
        "flood",
        "minister",
        "budget",
        "parliament",
        "river",
        "harvest",
        "bridge",
        "storm",
        "court",
        "energy",
        "price",
        "export",
        "border",
        "school",
        "hospital",
        "protest",
        "airport",
        "railway",
        "festival",
        "drought",
        "vaccine",
        "bank",
        "inflation",
        "treaty",
        "summit",
    ],
    "ru": [
        "выборы",
        "наводнение",
        "министр",
        "бюджет",
        "парламент",
        "река",
        "урожай",
        "мост",
        "буря",
        "суд",
        "энергия",
        "цена",
        "экспорт",
        "граница",
        "школа",
        "больница",
        "протест",
        "аэропорт",
    ],
    "de": [
        "Wahl",
        "Hochwasser",
        "Minister",
        "Haushalt",
        "Parlament",
        "Fluss",
        "Ernte",
        "Brücke",
        "Sturm",
        "Gericht",
        "Energie",
        "Preis",
        "Export",
    ],
}
SOURCES = [f"Source {i}" for i in range(20)]


def article(i: int, rng: random.Random) -> NormalizedArticle:
    language = rng.choices(["en", "ru", "de"], [6, 3, 1])[0]
    words = WORDS[language]
    city, country, code, lat, lon = rng.choice(PLACES)
    day = 1 + rng.randrange(730)
    published = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() - day * 86400 - rng.randrange(86400)))
    return NormalizedArticle(
        id=f"bench-{i}",
        title=" ".join(rng.choices(words, k=6)).capitalize(),
        subtitle=" ".join(rng.choices(words, k=10)),
        body=". ".join(" ".join(rng.choices(words, k=12)) for _ in range(12)),
        language=language,
        source=rng.choice(SOURCES),
        published_at=published,
        location=Location(city=city, country=country, country_code=code, lat=lat, lon=lon),
    )


def fill(settings: Settings, count: int) -> None:
    es = make_client(settings)
    drop_namespace(es, settings.index_alias)
    ensure_index(es, settings)
    rng = random.Random(7)
    actions = (
        {"_index": settings.index_alias, "_id": f"bench-{i}", "_source": indexed_source(to_document(article(i, rng)))}
        for i in range(count)
    )
    helpers.bulk(es.options(request_timeout=120), actions, chunk_size=1000)
    es.indices.refresh(index=settings.index_alias)
    es.options(request_timeout=600).indices.forcemerge(index=settings.index_alias, max_num_segments=1)


def query_mix(count: int) -> list[dict[str, str]]:
    rng = random.Random(11)
    queries = []
    for _ in range(count):
        params: dict[str, str] = {"q": " ".join(rng.sample(WORDS[rng.choice(["en", "en", "ru"])], rng.choice([1, 1, 2])))}
        if rng.random() < 0.4:
            params["country"] = rng.choice(PLACES)[2]
        if rng.random() < 0.3:
            params["from"] = f"{time.gmtime().tm_year - 1}-{rng.randint(1, 12):02d}-01"
        if rng.random() < 0.15:
            params = {k: v for k, v in params.items() if k != "q"} | {"sort": "newest"}
        queries.append(params)
    return queries


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(call: Any, items: list[Any], clients: int) -> list[float]:
    """Seconds per request; any answer other than 200 fails the measurement."""
    errors: list[str] = []
    seconds = latencies(call, items, clients, errors)
    if errors:
        raise RuntimeError(errors[0])
    return seconds


def measure(search_url: str, settings: Settings, queries: list[dict[str, str]], clients: int) -> dict[str, float]:
    bodies = [search_body(parse_search_args(MultiDict(q), recency_decay=settings.search_recency_decay)) for q in queries]
    es_url = f"{settings.elasticsearch_url}/{settings.index_alias}/_search"

    def service(session: requests.Session, params: dict[str, str]) -> requests.Response:
        return session.get(f"{search_url}/v1/search", params=params, timeout=60)

    def direct(session: requests.Session, body: dict[str, Any]) -> requests.Response:
        return session.post(es_url, json=body, timeout=60)

    timed(service, queries[:50], clients)  # warm both paths
    timed(direct, bodies[:50], clients)
    rounds: dict[str, list[list[float]]] = {"service": [], "direct": []}
    for _ in range(3):  # alternate the paths so drift on a shared machine hits both alike
        rounds["service"].append(timed(service, queries, clients))
        rounds["direct"].append(timed(direct, bodies, clients))
    out: dict[str, float] = {"clients": clients}
    for name, runs in rounds.items():
        out[f"{name}_p50_ms"] = round(statistics.median(percentile(r, 50) for r in runs) * 1000, 1)
        out[f"{name}_p99_ms"] = round(statistics.median(percentile(r, 99) for r in runs) * 1000, 1)
    out["ratio_p50"] = round(out["service_p50_ms"] / out["direct_p50_ms"], 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=400, help="queries per round and path")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers of the search service")
    args = parser.parse_args()
    settings = Settings(namespace=f"bench-search-{os.getpid()}")
    started = time.perf_counter()
    fill(settings, args.articles)
    print(f"indexed {args.articles} articles in {time.perf_counter() - started:.0f}s", flush=True)
    port = free_port()
    env = {**os.environ, "NAMESPACE": settings.namespace, "LOG_LEVEL": "WARNING"}
    env.update(SEARCH_ADDRESS_RATE_LIMIT="", SEARCH_PIT_MAX_PER_CLIENT="100000")  # all clients are 127.0.0.1 here
    argv = [str(Path(sys.executable).parent / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)]
    argv += ["--threads", "4", "services.search.wsgi:app"]
    log = ROOT / "test-output" / f"{settings.namespace}.log"
    log.parent.mkdir(exist_ok=True)
    server = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: requests.get(f"{url}/readyz", timeout=2).ok, 60, what="search service")
        queries = query_mix(args.requests)
        print("| clients | service p50 | direct p50 | ratio p50 | service p99 | direct p99 |")
        print("|---|---|---|---|---|---|")
        for clients in (1, 16):
            r = measure(url, settings, queries, clients)
            row = [r["service_p50_ms"], r["direct_p50_ms"], r["ratio_p50"], r["service_p99_ms"], r["direct_p99_ms"]]
            print(f"| {clients} | " + " | ".join(str(v) for v in row) + " |", flush=True)
    finally:
        server.terminate()
        server.wait(30)
        drop_namespace(make_client(settings), settings.index_alias)


if __name__ == "__main__":
    main()
