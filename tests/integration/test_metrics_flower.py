"""Flower, the queue dashboard operators already know, run against the test namespace's broker:
its own HTTP API lists the running worker and reads the namespace's queue length (kombu's key prefix honoured)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import requests

from tests.integration.test_metrics import consumer_paused
from tests.stack import BIN, Stack, free_port, wait_until

AUTH = ("ops", f"pw-{uuid.uuid4().hex[:8]}")


@pytest.fixture(scope="module")
def flower(stack: Stack) -> Iterator[str]:
    port = free_port()
    argv = [str(BIN / "celery"), "-A", "services.worker.app", "flower", "--address=127.0.0.1", f"--port={port}"]
    stack.start("flower", [*argv, f"--basic_auth={AUTH[0]}:{AUTH[1]}", "--purge_offline_workers=300"])
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: requests.get(f"{url}/healthcheck", timeout=2).ok, 60, what="Flower")
        yield url
    finally:
        stack.stop("flower")


def test_flower_api_lists_the_running_worker(stack: Stack, flower: str) -> None:
    assert requests.get(f"{flower}/api/workers", timeout=10).status_code == 401  # basic auth is on
    assert requests.get(f"{flower}/metrics", timeout=10).ok  # Prometheus scrapes it without credentials

    def workers() -> dict[str, object]:
        answer: dict[str, object] = requests.get(f"{flower}/api/workers", params={"refresh": 1}, auth=AUTH, timeout=20).json()
        return answer

    def ours() -> str | None:  # the indexer, a Celery worker too, may be listed first
        return next((name for name in workers() if name.startswith(f"worker-{stack.namespace}@")), None)

    worker = wait_until(ours, 60, interval=1, what="Flower to list the worker")
    listed = workers()
    queues = [q["name"] for q in listed[worker]["active_queues"]]  # type: ignore[index]
    assert queues == [stack.settings.queue_name]


def test_flower_reads_the_namespaced_queue_length(stack: Stack, flower: str) -> None:
    def length() -> int:
        answer = requests.get(f"{flower}/api/queues/length", auth=AUTH, timeout=10).json()
        return next(q["messages"] for q in answer["active_queues"] if q["name"] == stack.settings.queue_name)

    with consumer_paused(stack):
        before = length()
        accepted = stack.post("/v1/articles", json={"title": f"Flower {uuid.uuid4().hex}", "body": "Queued."}).json()
        assert length() == before + 1
    assert stack.wait_status(accepted["id"])["status"] == "indexed"
