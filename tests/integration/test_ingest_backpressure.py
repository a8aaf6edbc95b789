"""Backpressure: a queue deeper than QUEUE_MAX_DEPTH answers 429, Redis unreachable answers 503, both with Retry-After."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import requests

from shared.es.index import ensure_index
from shared.settings import Settings
from tests.stack import Stack, free_port, gunicorn_argv, wait_until


@contextmanager
def side_stack(stack: Stack, **env: str) -> Iterator[Stack]:
    """An ingest service (no worker yet) under a namespace of its own, with settings of its own."""
    namespace = f"{stack.namespace}-{uuid.uuid4().hex[:4]}"
    side_env = {**stack.env, "NAMESPACE": namespace, **env}
    logs = stack.logs / namespace
    logs.mkdir(parents=True, exist_ok=True)
    # Its own processes, ports and logs: sharing the main stack's would point later tests at this stack's worker.
    side = dataclasses.replace(
        stack,
        namespace=namespace,
        env=side_env,
        settings=Settings(namespace=namespace),
        processes={},
        metrics_ports={},
        logs=logs,
    )
    # Created here as live_stack does: two worker processes creating it at once race (resource_already_exists).
    ensure_index(stack.es, side.settings)
    try:
        yield side
    finally:
        side.stop_all_and_clean()


def test_deep_queue_answers_429_then_takes_articles_again_once_drained(stack: Stack) -> None:
    with side_stack(stack, QUEUE_MAX_DEPTH="3", RETRY_AFTER_S="7") as side:
        side.ingest_url = side.start_gunicorn("ingest", free_port(), "services.ingest.wsgi:app")
        accepted = [side.post("/v1/articles", json={"title": f"Queued {n}", "body": "Waiting."}) for n in range(3)]
        assert [a.status_code for a in accepted] == [202, 202, 202]
        refused = side.post("/v1/articles", json={"title": "One too many", "body": "Refused."})
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "7"
        assert refused.json()["error"]["code"] == "queue_full"
        page = side.post("/v1/articles/raw", data="A page that waits too", headers={"Content-Type": "text/plain"})
        assert page.status_code == 429
        side.start_worker()
        side.start_indexer()
        for answer in accepted:  # nothing accepted before the refusal was lost
            assert side.wait_status(answer.json()["id"], timeout=90)["status"] == "indexed"
        again = wait_until(lambda: (a := side.post("/v1/articles", json={"title": "Room again"})).status_code == 202 and a, 30)
        assert again.json()["status"] == "queued"


def test_redis_unreachable_answers_503_with_retry_after(stack: Stack) -> None:
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"
    with side_stack(stack, REDIS_URL=dead_redis, PUBLISH_TIMEOUT_S="1") as side:
        port = free_port()
        side.start("ingest", gunicorn_argv(port, "services.ingest.wsgi:app"))
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: requests.get(f"{url}/healthz", timeout=2).ok, 60, what="ingest /healthz")
        for path, kwargs in (
            ("/v1/articles", {"json": {"title": "No Redis"}}),
            ("/v1/articles", {"json": {"articles": [{"title": "No Redis either"}]}}),
            ("/v1/articles/raw", {"data": "A page", "headers": {"Content-Type": "text/plain"}}),
            ("/v1/feeds", {"json": {"url": "https://example.com/rss"}}),
        ):
            answer = requests.post(f"{url}{path}", timeout=30, **kwargs)
            assert answer.status_code == 503, (path, answer.text)
            assert int(answer.headers["Retry-After"]) > 0
        assert requests.get(f"{url}/v1/articles/abc", timeout=30).status_code == 503
        assert requests.get(f"{url}/readyz", timeout=30).status_code == 503
