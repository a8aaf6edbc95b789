"""Prometheus metrics of every process, and the Flask hook that records the HTTP ones.

Under gunicorn (several worker processes) and under Celery's prefork pool, metrics are kept in
prometheus_client's multiprocess mode: each process writes its values into files under
`PROMETHEUS_MULTIPROC_DIR` (one folder per service, set by whoever starts it) and `/metrics` merges
them. Without that variable (a test calling `create_app()`, the Flask dev server) the ordinary
in-process registry is used. Names follow Prometheus conventions: `newsroom_` prefix, base units,
`_total` counters, and label values from small fixed sets (never an id, a URL or a key).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.registry import Collector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
if os.environ.get(MULTIPROC_ENV):
    # The folder must exist before the first metric is created; a launcher that forgot to make it must not crash.
    os.makedirs(os.environ[MULTIPROC_ENV], exist_ok=True)

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
FRESHNESS_BUCKETS = (0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)
AGE_BUCKETS = (60.0, 300.0, 900.0, 3600.0, 3 * 3600.0, 6 * 3600.0, 12 * 3600.0, 86400.0, 2 * 86400.0, 7 * 86400.0)
COUNT_BUCKETS = (0, 1, 2, 5, 10, 20, 50, 100, 500, 1000, 10_000, 100_000)

# --- HTTP, both services ---------------------------------------------------------------------------
HTTP_REQUESTS = Counter(
    "newsroom_http_requests_total",
    "HTTP requests answered, by service, endpoint (Flask route), method and status code.",
    ["service", "endpoint", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "newsroom_http_request_duration_seconds",
    "Time to answer an HTTP request, by service and endpoint.",
    ["service", "endpoint"],
    buckets=LATENCY_BUCKETS,
)
RATE_LIMITED = Counter(
    "newsroom_rate_limited_requests_total",
    "Requests refused with 429 by a rate limit (search partners, ingest keys or addresses), by API key id (the key's "
    "configured name, never the key; `anonymous` without one).",
    ["service", "key_id"],
)

# --- ingest ----------------------------------------------------------------------------------------
INGEST_ARTICLES = Counter(
    "newsroom_ingest_articles_total",
    "Articles the ingest service accepted (`outcome=accepted`, queued) or rejected (with the error code as reason).",
    ["outcome", "reason"],
)
INGEST_BYTES = Counter(
    "newsroom_ingest_received_bytes_total", "Request body bytes received by the ingest endpoints.", ["endpoint"]
)

# --- search ----------------------------------------------------------------------------------------
SEARCH_RESULTS = Histogram(
    "newsroom_search_results", "Total hits of each answered search (`GET /v1/search`).", buckets=COUNT_BUCKETS
)
SEARCH_ZERO = Counter("newsroom_search_zero_results_total", "Answered searches that found nothing.")

# --- workers ---------------------------------------------------------------------------------------
TASK_DURATION = Histogram(
    "newsroom_task_duration_seconds",
    "Wall time of one task run, by how it ended (Celery state: SUCCESS, RETRY, FAILURE, REJECTED, IGNORED).",
    ["state"],
    buckets=LATENCY_BUCKETS,
)
STAGE_DURATION = Histogram(
    "newsroom_task_stage_duration_seconds",
    "Time in one stage of processing an article: parse (input format), normalize (parse + rules), index (bulk write).",
    ["stage"],
    buckets=LATENCY_BUCKETS,
)
TASK_RETRIES = Counter("newsroom_task_retries_total", "Task runs that ended in a retry with backoff.")
DEAD_LETTERED = Counter(
    "newsroom_articles_dead_lettered_total",
    "Articles put in the dead-letter list, by reason class (poison, normalize, index, unexpected, other).",
    ["reason"],
)
INDEXED = Counter("newsroom_articles_indexed_total", "Articles written into the index (throughput out).")
RESENT = Counter(
    "newsroom_articles_resent_total",
    "Accepted articles the sweeper sent again: no sign of progress for SWEEP_AFTER_S (a message lost on the way).",
)
BULK_DOCUMENTS = Histogram(
    "newsroom_es_bulk_documents", "Documents in one Elasticsearch bulk request.", buckets=COUNT_BUCKETS[1:]
)
BULK_DURATION = Histogram(
    "newsroom_es_bulk_duration_seconds",
    "Latency of one Elasticsearch bulk request (with TOPIC_MATCH_AFTER_REFRESH and topics saved, up to the index's 1 s "
    "refresh interval of it is the wait for the scheduled refresh that makes the batch readable to matching: "
    "docs/adr/0034).",
    buckets=LATENCY_BUCKETS,
)
ACCEPTED_TO_SEARCHABLE = Histogram(
    "newsroom_accepted_to_searchable_seconds",
    "Seconds from the ingest service's 202 to the article's bulk write returning "
    "(it is searchable at the next index refresh, within 1 s).",
    buckets=FRESHNESS_BUCKETS,
)
TOPIC_MATCHES = Counter(
    "newsroom_topic_matches_total",
    "New topic matches recorded by the outbox's fan-out (an event each; a delivery too when the topic has a webhook).",
)
TOPIC_MATCH_DURATION = Histogram(
    "newsroom_topic_match_duration_seconds",
    "Seconds the indexer spent matching one batch against the topics (refresh, candidates, msearch, staging).",
    buckets=LATENCY_BUCKETS,
)
TOPIC_MATCH_STEP = Histogram(
    "newsroom_topic_match_step_seconds",
    "Of a batch's matching, the seconds of one step: refresh (Elasticsearch making the batch readable, the refresh "
    "the 1 s schedule would otherwise do), candidates (Python's candidate index, without the match plugin), engine "
    "(the plugin's own matching, or the msearch), transport (the plugin's round trip beyond its own time: queueing, "
    "HTTP, JSON), record (the matches staged in Redis: one outbox entry; the fan-out applies it apart).",
    ["step"],
    buckets=LATENCY_BUCKETS,
)
TOPIC_MATCH_REFRESHES = Counter(
    "newsroom_topic_match_refreshes_total",
    "Batches matched, by whether Elasticsearch refreshed the index to read them (yes) or found them readable already "
    "(no: a scheduled refresh came first, or with TOPIC_MATCH_AFTER_REFRESH the bulk write waited for it; "
    "docs/adr/0034-matching-after-the-scheduled-refresh.md).",
    ["refreshed"],
)
TOPIC_MATCH_ERRORS = Counter(
    "newsroom_topic_match_errors_total", "Topic searches Elasticsearch refused outright (the topic is skipped for that batch)."
)
PUBLISHED_TO_SEARCHABLE = Histogram(
    "newsroom_published_to_searchable_seconds",
    "Seconds from the article's own publication time to its bulk write returning (articles with a past published_at).",
    buckets=AGE_BUCKETS,
)

REASON_CLASSES = ("poison", "normalize", "index", "unexpected")
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def reason_class(reason: str) -> str:
    """A bounded label from a free-text dead-letter reason: the word before its first colon."""
    head = reason.split(":", 1)[0].strip().lower()
    return head if head in REASON_CLASSES else "other"


@contextmanager
def timed(stage: str) -> Iterator[None]:
    """Times one stage of the worker's processing (`with timed("normalize"): ...`), failed runs included."""
    start = time.perf_counter()
    try:
        yield
    finally:
        STAGE_DURATION.labels(stage=stage).observe(time.perf_counter() - start)


@contextmanager
def timed_bulk(documents: int) -> Iterator[None]:
    """Times one Elasticsearch bulk request of `documents` documents; it is also the `index` stage."""
    BULK_DOCUMENTS.observe(documents)
    start = time.perf_counter()
    try:
        with timed("index"):
            yield
    finally:
        BULK_DURATION.observe(time.perf_counter() - start)


def service_registry(extra: Iterable[Collector] = ()) -> CollectorRegistry:
    """What this service's /metrics shows, read anew at each collection: every process's metrics (the multiprocess
    files under PROMETHEUS_MULTIPROC_DIR, else this process's registry), then the `extra` collectors."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get(MULTIPROC_ENV):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REGISTRY)
    for collector in extra:
        registry.register(collector)
    return registry


def render(extra: Iterable[Collector] = ()) -> bytes:
    """The Prometheus text of this service: every process's metrics, then `extra` collectors read now."""
    return generate_latest(service_registry(extra))


def metrics_response(extra: Iterable[Collector] = ()) -> Response:
    return Response(render(extra), mimetype=CONTENT_TYPE_LATEST)


def service_name(app: Flask) -> str:
    """`services.ingest.app` → `ingest`: the label every HTTP metric of this app carries."""
    parts = app.import_name.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "services" else app.name


def init_metrics(app: Flask, service: str) -> None:
    """Records every request of `app`: count by endpoint and status, latency, ingest and search specifics."""

    @app.before_request
    def _start_timer() -> None:
        g.metrics_start = time.perf_counter()

    @app.after_request
    def _record(response: Response) -> Response:
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        if endpoint != "/metrics":
            record_request(service, endpoint, response)
        return response


def record_request(service: str, endpoint: str, response: Response) -> None:
    status = response.status_code
    method = request.method if request.method in HTTP_METHODS else "other"  # any string can arrive as a method
    HTTP_REQUESTS.labels(service, endpoint, method, str(status)).inc()
    start = g.get("metrics_start")
    if start is not None:
        HTTP_LATENCY.labels(service, endpoint).observe(time.perf_counter() - start)
    # Rate limits: every search 429; an ingest 429 only when its rate limit refused it (services/ingest/access.py), not
    # the backpressure 429 `queue_full`.
    if status == 429 and (service == "search" or g.get("rate_limited")):
        RATE_LIMITED.labels(service, str(g.get("api_key_name") or "anonymous")).inc()
    if service == "ingest" and request.method == "POST" and endpoint.startswith("/v1/articles"):
        INGEST_BYTES.labels(endpoint).inc(request.content_length or 0)
        for outcome, reason in article_outcomes(response):
            INGEST_ARTICLES.labels(outcome, reason).inc()
    elif service == "search" and endpoint == "/v1/search" and status == 200:
        total = (response.get_json(silent=True) or {}).get("total")
        if isinstance(total, int):
            SEARCH_RESULTS.observe(total)
            if total == 0:
                SEARCH_ZERO.inc()


def article_outcomes(response: Response) -> list[tuple[str, str]]:
    """(outcome, reason) of each article an ingest answer speaks of: one, or each item of a batch."""
    body = response.get_json(silent=True) if response.is_json else None
    if not isinstance(body, dict):
        body = {}
    if isinstance(body.get("items"), list):
        return [item_outcome(item) for item in body["items"] if isinstance(item, dict)]
    return [item_outcome(body, response.status_code)]


def item_outcome(item: dict[str, object], status: int = 202) -> tuple[str, str]:
    if status < 300 and item.get("id") and "error" not in item:
        return ("accepted", "queued")
    error = item.get("error")
    code = error.get("code") if isinstance(error, dict) else None
    return ("rejected", str(code or f"http_{status}")[:40])


def accepted_ids(response: Response) -> list[str]:
    """Ids of the articles an ingest answer accepted, for the access log line."""
    body = response.get_json(silent=True) if response.is_json else None
    if not isinstance(body, dict):
        return []
    items = body["items"] if isinstance(body.get("items"), list) else [body]
    return [str(i["id"]) for i in items if isinstance(i, dict) and i.get("id") and "error" not in i]
