"""A consumer that holds work and finishes none says so, and its watchdog ends it so that a new one takes over.

The wedge is made on purpose: an indexer whose batches never fill and whose flush timer is set to a day holds
its first article forever, exactly what the lost celery-batches timer did after a broker reconnect.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from tests.stack import Stack, live_stack, wait_until

WEDGED = {"INDEX_BATCH_WAIT_S": "86400", "INDEX_BATCH_MAX_DOCS": "100000", "STALL_AFTER_S": "3"}


@pytest.fixture
def wedged_stack() -> Iterator[Stack]:
    with live_stack({**WEDGED, "WATCHDOG_RESTART_AFTER_S": "4", "WATCHDOG_EXIT_GRACE_S": "20"}) as running:
        yield running


def health_of(stack: Stack, name: str, path: str) -> requests.Response:
    return requests.get(f"http://127.0.0.1:{stack.metrics_ports[name]}{path}", timeout=10)


def test_a_wedged_indexer_is_reported_ended_by_its_watchdog_and_nothing_is_lost(wedged_stack: Stack) -> None:
    stack = wedged_stack
    wait_until(lambda: health_of(stack, "indexer", "/readyz").ok, 120, what="the indexer ready while idle")
    article_id = stack.post("/v1/articles", json={"title": "Held forever", "body": "A wedged consumer."}).json()["id"]

    stalled = wait_until(lambda: (r := health_of(stack, "indexer", "/readyz")).status_code == 503 and r.json(), 60)
    assert stalled["checks"]["progress"].startswith("stalled") and stalled["progress"]["held"] >= 1
    assert stalled["checks"]["redis"] == stalled["checks"]["elasticsearch"] == "ok"
    assert health_of(stack, "indexer", "/healthz").status_code == 503  # engines answer: a wedge, not an outage

    indexer = stack.processes["indexer"]
    wait_until(lambda: indexer.poll() is not None, 90, what="the watchdog ending the wedged indexer")
    assert stack.status(article_id)["status"] != "indexed"

    stack.env.update(INDEX_BATCH_WAIT_S="0.2", INDEX_BATCH_MAX_DOCS="500")  # its supervisor starts a healthy one
    stack.start_indexer("indexer-after")
    assert stack.wait_status(article_id, timeout=90)["status"] == "indexed"
