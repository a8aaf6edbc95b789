"""A consumer's own port, served by prometheus_client's WSGI machinery: /metrics, /healthz and /readyz answer with
the statuses and JSON bodies the compose healthcheck, `make status` and the watchdog tests read; other paths 404."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from shared.consumer.health import NOT_FOUND, Health, serve
from shared.consumer.progress import Progress
from shared.observability.queue_metrics import DependencyCollector
from shared.settings import Settings


class FakeRedis:
    def exists(self, key: str) -> int:
        return 1


class Reading:
    """What the port reports, changed by the test between requests."""

    def __init__(self) -> None:
        self.progress, self.es_up = Progress(0, 0.0, None), True


@pytest.fixture
def port() -> Iterator[tuple[str, Reading]]:
    reading = Reading()
    checks = DependencyCollector({"redis": lambda: True, "elasticsearch": lambda: reading.es_up})
    health = Health(Settings(stall_after_s=60), "indexer", "indexer@host", checks, FakeRedis(), lambda: reading.progress)  # type: ignore[arg-type]
    server = serve(health, 0, "127.0.0.1")
    assert server is not None
    try:
        yield f"http://127.0.0.1:{server.server_port}", reading
    finally:
        server.shutdown()
        server.server_close()


def test_ready_and_live_answer_200_with_the_verdict(port: tuple[str, Reading]) -> None:
    url, _ = port
    for path in ("/readyz", "/healthz"):
        answer = requests.get(url + path, timeout=5)
        assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/json"
        assert answer.json() == {
            "ready": True,
            "live": True,
            "checks": {"redis": "ok", "elasticsearch": "ok", "heartbeat": "ok", "progress": "ok"},
            "progress": {"held": 0, "oldest_held_age_s": 0.0, "since_last_done_s": None},
        }


def test_a_stall_is_not_ready_and_a_wedge_not_live(port: tuple[str, Reading]) -> None:
    url, reading = port
    reading.progress, reading.es_up = Progress(3, 500.0, 500.0), False  # an engine outage: not ready, still live
    assert requests.get(url + "/readyz", timeout=5).status_code == 503
    assert requests.get(url + "/healthz", timeout=5).status_code == 200
    reading.es_up = True  # engines answer, nothing finished: a wedge
    wedged = requests.get(url + "/healthz", timeout=5)
    assert wedged.status_code == 503 and wedged.json()["live"] is False
    assert wedged.json()["checks"]["progress"] == "stalled: oldest held message due 500s ago"


def test_metrics_carry_the_live_checks_and_the_progress(port: tuple[str, Reading]) -> None:
    url, reading = port
    reading.progress, reading.es_up = Progress(2, 7.0, 1.0), False
    answer = requests.get(url + "/metrics", timeout=5)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/plain")
    families = text_string_to_metric_families(answer.text)
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value for family in families for s in family.samples}
    assert samples[("newsroom_dependency_up", (("dependency", "elasticsearch"),))] == 0.0
    assert samples[("newsroom_dependency_up", (("dependency", "redis"),))] == 1.0
    assert samples[("newsroom_consumer_held_messages", (("role", "indexer"),))] == 2.0
    assert samples[("newsroom_consumer_oldest_held_age_seconds", (("role", "indexer"),))] == 7.0


def test_other_paths_and_methods_are_refused(port: tuple[str, Reading]) -> None:
    url, _ = port
    for path in ("/", "/metricsx", "/readyz/x"):
        answer = requests.get(url + path, timeout=5)
        assert (answer.status_code, answer.content) == (404, NOT_FOUND), path
    refused = requests.post(url + "/healthz", timeout=5)
    assert refused.status_code == 405 and refused.json()["error"]["code"] == "method_not_allowed"
    assert requests.get(url + "/readyz?verbose=1", timeout=5).status_code == 200  # a query string is not a path


def test_a_port_taken_by_another_worker_is_left_to_it() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        checks = DependencyCollector({})
        health = Health(Settings(), "worker", "w@host", checks, FakeRedis(), lambda: Progress(0, 0.0, None))  # type: ignore[arg-type]
        assert serve(health, taken.getsockname()[1], "127.0.0.1") is None
