"""Search latency: `/v1/search` (with its facets) next to the very same request body sent straight to
Elasticsearch, at 1, 4 and 16 concurrent clients, over a fixed, seeded mix of newsroom queries."""

from __future__ import annotations

import random
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from werkzeug.datastructures import MultiDict

from services.search.params import parse_search_args
from shared.es.queries import search_body
from tests.bench.articles import PLACES, SOURCES, WORDS
from tests.bench.ingest import percentile


def query_mix(seed: int, count: int) -> list[dict[str, str]]:
    """What editors type: a word or two, a phrase, an exclusion, narrowed by country, city, date or source."""
    rng = random.Random(seed)
    en = [w for w in WORDS["en"] if len(w) > 4]
    queries: list[dict[str, str]] = []
    for _ in range(count):
        shape = rng.random()
        params: dict[str, str] = {}
        if shape < 0.3:
            params["q"] = rng.choice(en)
        elif shape < 0.5:
            params["q"] = f"{rng.choice(en)} {rng.choice(en)}"
        elif shape < 0.6:
            params["q"] = f'"{rng.choice(en)} {rng.choice(en)}"'
        elif shape < 0.7:
            params["q"] = f"{rng.choice(en)} -{rng.choice(en)}"
        if rng.random() < 0.35:
            params["country"] = rng.choice(PLACES)[2]
        elif rng.random() < 0.15:
            params["location"] = rng.choice(PLACES)[0]
        if rng.random() < 0.3:
            params["from"] = f"2026-{rng.randint(1, 9):02d}-01"
        if rng.random() < 0.1:
            params["source"] = rng.choice(SOURCES[:8])
        if not params or rng.random() < 0.1:
            params["sort"] = "newest"
        queries.append(params)
    return queries


def direct_body(params: dict[str, str]) -> dict[str, Any]:
    """The request the search service sends to Elasticsearch for these parameters."""
    return search_body(parse_search_args(MultiDict(params), recency_decay=True))


def latencies(call: Any, items: list[Any], clients: int, errors: list[str] | None = None) -> list[float]:
    """Seconds per request; answers other than 200 are noted in `errors` (and their time still counts)."""
    local = threading.local()

    def one(item: Any) -> float:
        session = local.__dict__.setdefault("s", requests.Session())
        t0 = time.perf_counter()
        answer = call(session, item)
        elapsed = time.perf_counter() - t0
        if answer.status_code != 200 and errors is not None:
            errors.append(f"{answer.status_code} {answer.text[:200]}")
        return elapsed

    with ThreadPoolExecutor(clients) as pool:
        return list(pool.map(one, items))


def compare(
    search_url: str, es_url: str, alias: str, queries: list[dict[str, str]], clients: int, repeats: int
) -> dict[str, Any]:
    """p50/p99 in ms for both paths (medians over `repeats` after a warm-up), alternating the two paths."""
    bodies = [direct_body(q) for q in queries]

    def service(session: requests.Session, params: dict[str, str]) -> requests.Response:
        return session.get(f"{search_url}/v1/search", params=params, timeout=60)

    def direct(session: requests.Session, body: dict[str, Any]) -> requests.Response:
        return session.post(f"{es_url}/{alias}/_search", json=body, timeout=60)

    warm = max(clients * 2, len(queries) // 5)
    latencies(service, queries[:warm], clients)
    latencies(direct, bodies[:warm], clients)
    runs: dict[str, dict[str, list[float]]] = {"service": {"p50": [], "p99": []}, "direct": {"p50": [], "p99": []}}
    errors: dict[str, list[str]] = {"service": [], "direct": []}
    for _ in range(repeats):
        for name, call, items in (("service", service, queries), ("direct", direct, bodies)):
            lat = latencies(call, items, clients, errors[name])
            runs[name]["p50"].append(percentile(lat, 50) * 1000)
            runs[name]["p99"].append(percentile(lat, 99) * 1000)
    out: dict[str, Any] = {"clients": clients, "queries": len(queries), "requests": len(queries) * repeats}
    out |= {f"{name}_errors": len(errs) for name, errs in errors.items()}
    out["first_errors"] = (errors["service"] + errors["direct"])[:3]
    for name, values in runs.items():
        for p, xs in values.items():
            out[f"{name}_{p}_ms"] = round(statistics.median(xs), 1)
    out["ratio_p50"] = round(out["service_p50_ms"] / out["direct_p50_ms"], 2)
    out["ratio_p99"] = round(out["service_p99_ms"] / out["direct_p99_ms"], 2)
    return out
