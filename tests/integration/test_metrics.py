"""Operators see real numbers move: /metrics of ingest, search and the worker before and after real traffic,
readiness of every process, and one article followed through the JSON logs by its request id."""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import requests
from prometheus_client.parser import text_string_to_metric_families

from shared.delivery.celery_app import make_celery
from tests.stack import Stack, free_port, wait_until

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(url: str) -> Samples:
    answer = requests.get(f"{url}/metrics", timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/plain")
    samples: Samples = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def worker_url(stack: Stack, name: str = "worker") -> str:
    """A worker's (or the indexer's) own port; it opens once the process consumes, and its /readyz then answers 200."""
    url = f"http://127.0.0.1:{stack.metrics_ports[name]}"
    wait_until(lambda: requests.get(f"{url}/readyz", timeout=5).ok, 180, what=f"the {name}'s /readyz")
    return url


@contextmanager
def consumer_paused(stack: Stack) -> Iterator[None]:
    """The namespace's workers stop taking messages from the queue (Celery's cancel_consumer), then resume."""
    control = make_celery(stack.settings).control
    queue, worker = stack.settings.queue_name, [f"worker-{stack.namespace}@{socket.gethostname()}"]
    assert control.cancel_consumer(queue, reply=True, destination=worker, limit=1, timeout=10), "the worker did not answer"
    try:
        yield
    finally:
        control.add_consumer(queue, reply=True, destination=worker, limit=1, timeout=10)


def article(word: str, n: int) -> dict[str, str]:
    return {
        "title": f"Metrics {word} {n}",
        "body": f"Counted article {word} number {n}.",
        "published_at": "2024-03-01T10:00:00+06:00",
    }


def test_accepted_count_queue_length_and_freshness_move(stack: Stack) -> None:
    word = f"metric{uuid.uuid4().hex[:8]}"
    ingest_before, worker_before = scrape(stack.ingest_url), scrape(worker_url(stack))
    indexer_before = scrape(worker_url(stack, "indexer"))
    queue = {"queue": stack.settings.queue_name}
    with consumer_paused(stack):
        ids = [stack.post("/v1/articles", json=article(word, n)).json()["id"] for n in range(3)]
        waiting = scrape(stack.ingest_url)
        assert value(waiting, "newsroom_queue_messages", **queue) == value(ingest_before, "newsroom_queue_messages", **queue) + 3
        assert value(waiting, "newsroom_queue_oldest_message_age_seconds", **queue) > 0
    accepted = ("newsroom_ingest_articles_total", {"outcome": "accepted", "reason": "queued"})
    assert value(waiting, accepted[0], **accepted[1]) == value(ingest_before, accepted[0], **accepted[1]) + 3
    for article_id in ids:
        assert stack.wait_status(article_id)["status"] == "indexed"
    wait_until(lambda: value(scrape(stack.ingest_url), "newsroom_queue_messages", **queue) == 0, 30, what="an empty queue")

    after, indexer_after = scrape(worker_url(stack)), scrape(worker_url(stack, "indexer"))
    for name in (
        "newsroom_accepted_to_searchable_seconds_count",
        "newsroom_published_to_searchable_seconds_count",
        "newsroom_articles_indexed_total",
    ):
        assert value(indexer_after, name) >= value(indexer_before, name) + 3, name
    bulks = "newsroom_es_bulk_duration_seconds_count"  # the three may share one bulk request
    assert value(indexer_after, bulks) >= value(indexer_before, bulks) + 1
    stage_count = "newsroom_task_stage_duration_seconds_count"
    for stage in ("normalize", "handover"):
        assert value(after, stage_count, stage=stage) >= value(worker_before, stage_count, stage=stage) + 3
    assert value(indexer_after, stage_count, stage="index") >= value(indexer_before, stage_count, stage="index") + 1
    task_count = "newsroom_task_duration_seconds_count"
    assert value(after, task_count, state="SUCCESS") >= value(worker_before, task_count, state="SUCCESS") + 3


def test_rejected_articles_are_counted_by_reason_and_bytes_in(stack: Stack) -> None:
    before = scrape(stack.ingest_url)
    batch = {"articles": [{"title": f"Fine {uuid.uuid4().hex}"}, {"url": "https://example.com/no-text"}]}
    assert stack.post("/v1/articles", json=batch).status_code == 202
    assert (
        stack.post("/v1/articles", data="x=1", headers={"Content-Type": "application/x-www-form-urlencoded"}).status_code == 415
    )
    after = scrape(stack.ingest_url)
    rejected = "newsroom_ingest_articles_total"
    assert value(after, rejected, outcome="rejected", reason="invalid_field") == (
        value(before, rejected, outcome="rejected", reason="invalid_field") + 1
    )
    assert value(after, rejected, outcome="rejected", reason="unsupported_media_type") == (
        value(before, rejected, outcome="rejected", reason="unsupported_media_type") + 1
    )
    received = "newsroom_ingest_received_bytes_total"
    assert value(after, received, endpoint="/v1/articles") >= value(before, received, endpoint="/v1/articles") + 60
    requests_total = "newsroom_http_requests_total"
    labels = {"service": "ingest", "endpoint": "/v1/articles", "method": "POST", "status": "415"}
    assert value(after, requests_total, **labels) == value(before, requests_total, **labels) + 1


def test_search_latency_results_and_zero_result_queries(stack: Stack) -> None:
    before = scrape(stack.search_url)
    assert stack.search(q=f"nothing{uuid.uuid4().hex}").json()["total"] == 0
    assert stack.search(size="100000").status_code == 400
    after = scrape(stack.search_url)
    assert value(after, "newsroom_search_zero_results_total") == value(before, "newsroom_search_zero_results_total") + 1
    assert value(after, "newsroom_search_results_count") == value(before, "newsroom_search_results_count") + 1
    latency = "newsroom_http_request_duration_seconds_count"
    labels = {"service": "search", "endpoint": "/v1/search"}
    assert value(after, latency, **labels) == value(before, latency, **labels) + 2
    bad = {"service": "search", "endpoint": "/v1/search", "method": "GET", "status": "400"}
    assert value(after, "newsroom_http_requests_total", **bad) == value(before, "newsroom_http_requests_total", **bad) + 1


def test_every_process_reports_its_dependencies_and_the_worker_its_heartbeat(stack: Stack) -> None:
    for url in (stack.ingest_url, stack.search_url, worker_url(stack), worker_url(stack, "indexer")):
        samples = scrape(url)
        assert value(samples, "newsroom_dependency_up", dependency="redis") == 1
        assert value(samples, "newsroom_dependency_up", dependency="elasticsearch") == 1
    for name in ("worker", "indexer"):
        ready = requests.get(f"{worker_url(stack, name)}/readyz", timeout=10)
        assert ready.status_code == 200
        verdict = ready.json()
        assert verdict["ready"] is True and verdict["live"] is True
        assert verdict["checks"] == {"redis": "ok", "elasticsearch": "ok", "heartbeat": "ok", "progress": "ok"}
        assert requests.get(f"{worker_url(stack, name)}/healthz", timeout=10).status_code == 200
        samples = scrape(worker_url(stack, name))
        assert value(samples, "newsroom_consumer_oldest_held_age_seconds", role=name) >= 0
    assert value(scrape(stack.ingest_url), "newsroom_workers_online") >= 2


def log_lines(stack: Stack, name: str) -> list[dict[str, object]]:
    lines = []
    for raw in (stack.logs / f"{name}.log").read_text(errors="replace").splitlines():
        if raw.startswith("{"):
            lines.append(json.loads(raw))
    return lines


def test_one_article_followed_through_the_logs_by_its_request_id(stack: Stack) -> None:
    request_id = f"trace-{uuid.uuid4().hex[:12]}"
    answer = stack.post(
        "/v1/articles", json={"title": f"Traced {request_id}", "body": "Follow me."}, headers={"X-Request-ID": request_id}
    )
    assert answer.headers["X-Request-ID"] == request_id
    article_id = answer.json()["id"]
    assert stack.wait_status(article_id)["status"] == "indexed"

    def lines() -> list[dict[str, object]]:
        both = log_lines(stack, "worker") + log_lines(stack, "indexer")
        return [line for line in both if line.get("request_id") == request_id]

    traced = wait_until(lambda: any(str(x["event"]).endswith(" indexed") for x in lines()) and lines(), 10, what="logs")
    assert all(line["article_id"] == article_id for line in traced)
    events = [str(line["event"]) for line in traced]
    assert any("taken from the queue" in e for e in events)
    assert any("handed to the indexer" in e for e in events) and any(e == f"article {article_id} indexed" for e in events)
    access = [line for line in log_lines(stack, "ingest") if line.get("request_id") == request_id]
    assert [line["article_ids"] for line in access] == [[article_id]]


def test_rate_limited_requests_are_counted_per_key_name_never_the_key(stack: Stack) -> None:
    plain_env = stack.env
    stack.env = {**plain_env, "SEARCH_API_KEYS": "partner-a:secret-key-a", "SEARCH_RATE_LIMIT": "2/minute"}
    try:
        url = stack.start_gunicorn("search-limited", free_port(), "services.search.wsgi:app")
    finally:
        stack.env = plain_env
    try:
        statuses = [
            requests.get(f"{url}/v1/search", params={"q": "x"}, headers={"X-API-Key": "secret-key-a"}, timeout=10).status_code
            for _ in range(3)
        ]
        assert statuses == [200, 200, 429]
        text = requests.get(f"{url}/metrics", timeout=10).text
        assert "secret-key-a" not in text
        limited = value(scrape(url), "newsroom_rate_limited_requests_total", service="search", key_id="partner-a")
        assert limited == 1
    finally:
        stack.stop("search-limited")
