"""Through the system: end-to-end ingest rate (first POST → last searchable) and freshness (202 → searchable).

Searchability is watched the way a reader would see it: Elasticsearch's search (only refreshed documents),
asked for the ids that are still pending, every `POLL_S`.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from elasticsearch import Elasticsearch

from tests.bench.articles import Article, as_html, as_json

POLL_S = 0.05


def post_politely(session: requests.Session, url: str, **kwargs: Any) -> requests.Response:
    """POST until accepted, waiting out `Retry-After` on 429/503 as a well-behaved client does."""
    for _ in range(100):
        answer = session.post(url, timeout=120, **kwargs)
        if answer.status_code not in (429, 503):
            break
        time.sleep(float(answer.headers.get("Retry-After", "1")))
    assert answer.status_code == 202, f"{answer.status_code} {answer.text[:300]}"
    return answer


def searchable_count(es: Elasticsearch, alias: str) -> int:
    return int(es.count(index=alias)["count"])


def wait_searchable(es: Elasticsearch, alias: str, target: int, timeout: float) -> tuple[float, int]:
    """Monotonic time at which `target` documents were searchable (or the last progress before `timeout`)."""
    deadline, seen, last_progress = time.monotonic() + timeout, -1, time.monotonic()
    while time.monotonic() < deadline:
        count = searchable_count(es, alias)
        if count != seen:
            seen, last_progress = count, time.monotonic()
        if count >= target:
            return last_progress, count
        time.sleep(POLL_S)
    return last_progress, seen


def _post_json_batches(url: str, articles: list[Article], batch: int, clients: int) -> None:
    chunks = [articles[i : i + batch] for i in range(0, len(articles), batch)]
    local = threading.local()

    def post(chunk: list[Article]) -> None:
        session = local.__dict__.setdefault("s", requests.Session())
        post_politely(session, f"{url}/v1/articles", json={"articles": [as_json(a) for a in chunk]})

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(post, chunks))


def _post_pages(url: str, articles: list[Article], clients: int) -> None:
    local = threading.local()

    def post(a: Article) -> None:
        session = local.__dict__.setdefault("s", requests.Session())
        headers = {"Content-Type": "text/html; charset=utf-8"}
        post_politely(session, f"{url}/v1/articles/raw", params={"url": a.url}, data=as_html(a).encode(), headers=headers)

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(post, articles))


def end_to_end(
    es: Elasticsearch,
    alias: str,
    ingest_url: str,
    articles: list[Article],
    kind: str,
    clients: int,
    batch: int = 100,
    timeout: float = 600,
) -> dict[str, Any]:
    """Articles per second from the first POST to the last one searchable."""
    before = searchable_count(es, alias)
    t0 = time.monotonic()
    if kind == "json":
        _post_json_batches(ingest_url, articles, batch, clients)
    else:
        _post_pages(ingest_url, articles, clients)
    posted_s = time.monotonic() - t0
    done_at, count = wait_searchable(es, alias, before + len(articles), timeout)
    indexed = count - before
    return {
        "articles": len(articles),
        "searchable": indexed,
        "post_s": round(posted_s, 2),
        "articles_per_s": round(indexed / (done_at - t0), 1),
    }


class Watcher(threading.Thread):
    """Notes when each pending id first shows up in search."""

    def __init__(self, es: Elasticsearch, alias: str) -> None:
        super().__init__(daemon=True)
        self.es, self.alias = es, alias
        self.pending: dict[str, float] = {}  # id -> time its 202 arrived
        self.seen: dict[str, float] = {}
        self.lock = threading.Lock()
        self.stop = threading.Event()

    def accepted(self, article_id: str, at: float) -> None:
        with self.lock:
            self.pending[article_id] = at

    def run(self) -> None:
        while not self.stop.is_set():
            with self.lock:
                ids = list(self.pending)[:2000]
            if ids:
                found = self.es.search(index=self.alias, query={"ids": {"values": ids}}, size=len(ids), source=False)
                now = time.monotonic()
                with self.lock:
                    for hit in found["hits"]["hits"]:
                        self.seen[hit["_id"]] = now - self.pending.pop(hit["_id"])
            self.stop.wait(POLL_S)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def freshness(
    es: Elasticsearch,
    alias: str,
    ingest_url: str,
    articles: list[Article],
    rate: float,
    batch: int = 1,
    clients: int = 8,
    settle_s: float = 60,
) -> dict[str, Any]:
    """POSTs of `batch` articles at a steady `rate` of articles (open loop); seconds from each 202 to searchable."""
    watcher = Watcher(es, alias)
    watcher.start()
    local = threading.local()
    t0 = time.monotonic() + 0.2
    late: list[float] = []
    chunks = [articles[i : i + batch] for i in range(0, len(articles), batch)]

    def post(n: int) -> None:
        due = t0 + n * batch / rate
        time.sleep(max(0.0, due - time.monotonic()))
        late.append(time.monotonic() - due)
        session = local.__dict__.setdefault("s", requests.Session())
        body = as_json(chunks[n][0]) if batch == 1 else {"articles": [as_json(a) for a in chunks[n]]}
        answer = post_politely(session, f"{ingest_url}/v1/articles", json=body).json()
        at = time.monotonic()
        for item in answer.get("items", [answer]):
            watcher.accepted(item["id"], at)

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(post, range(len(chunks))))
    sent_s = time.monotonic() - t0
    _wait(lambda: not watcher.pending, settle_s)
    watcher.stop.set()
    watcher.join()
    lat = list(watcher.seen.values())
    return {
        "rate_target": round(rate, 1),
        "rate_sent": round(len(articles) / sent_s, 1),
        "articles": len(articles),
        "articles_per_post": batch,
        "searchable": len(lat),
        "p50_s": round(percentile(lat, 50), 3),
        "p95_s": round(percentile(lat, 95), 3),
        "p99_s": round(percentile(lat, 99), 3),
        "max_s": round(max(lat), 3),
        "median_send_lag_s": round(statistics.median(late), 3),
        "latencies": [round(x, 3) for x in lat],
    }


def _wait(done: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not done() and time.monotonic() < deadline:
        time.sleep(POLL_S)
