"""A broker outage of a minute under traffic, on long-lived processes: the pipeline carries on afterwards.

The operator's recipe that wedged the indexer: articles stream in one per request, Redis is SIGKILLed, stays
down for 40 s and comes back from its AOF; then a trickle of new articles must be indexed by the *same*
worker and indexer processes. Before the fix, celery-batches' flush timer stayed armed on the consumer's
old event loop and the indexer held its prefetched messages forever (none of the new articles indexed).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import requests

from tests.chaos.engines import ChaosRedis
from tests.stack import OUTPUT, Stack, free_port, live_stack, wait_until

OUTAGE_S = 40
# Far below what would heal the wedge by itself (the visibility-timeout redelivery after 300 s, the in-flight
# sweeper after 660 s), far above a healthy pipeline's seconds: a liveness bound, not a speed target.
INDEXED_WITHIN_S = 60


@pytest.fixture
def broker() -> Iterator[ChaosRedis]:
    redis_server = ChaosRedis(free_port(), OUTPUT / f"broker-outage-{uuid.uuid4().hex[:6]}")
    redis_server.start()
    yield redis_server
    redis_server.stop()


@pytest.fixture
def own_stack(broker: ChaosRedis) -> Iterator[Stack]:
    with live_stack({"REDIS_URL": broker.url}) as running:
        yield running


def article(tag: str, n: int) -> dict[str, str]:
    return {"url": f"https://outage.example.org/{tag}/{n}", "title": f"Outage {tag} story {n}", "body": f"Body {n} of {tag}."}


def stream(stack: Stack, tag: str, stop: threading.Event, accepted: list[str]) -> None:
    """One article per request until stopped, the way a CMS publishes; refusals during the outage are skipped."""
    n = 0
    while not stop.is_set():
        n += 1
        try:
            answer = requests.post(f"{stack.ingest_url}/v1/articles", json=article(tag, n), timeout=10)
        except requests.RequestException:
            continue
        if answer.status_code == 202:
            accepted.append(answer.json()["id"])
        time.sleep(0.05)


def test_after_a_minute_long_broker_outage_new_articles_are_indexed(own_stack: Stack, broker: ChaosRedis) -> None:
    tag = uuid.uuid4().hex[:8]
    stop = threading.Event()
    accepted: list[str] = []
    flowing = threading.Thread(target=stream, args=(own_stack, tag, stop, accepted), daemon=True)
    flowing.start()
    # Articles flow through both stages (the first ones indexed), so the indexer's buffer is rarely empty.
    wait_until(lambda: len(accepted) >= 20 and own_stack.status(accepted[0]).get("status") == "indexed", 60, what="flow")
    broker.kill()
    time.sleep(OUTAGE_S)
    broker.start()  # replays its append-only file
    stop.set()
    flowing.join(30)
    assert accepted, "nothing was accepted before the outage"

    fresh = [f"{tag}-after-{k}" for k in range(5)]
    ids = []
    for name in fresh:
        answer = wait_until(lambda name=name: _accepted(own_stack, name), 60, what="ingest accepting again")
        ids.append(answer)
        time.sleep(1)
    for article_id in ids:
        done = own_stack.wait_status(article_id, timeout=INDEXED_WITHIN_S)
        assert done["status"] == "indexed", done
    # Every article accepted before the outage is indexed too, long before the visibility timeout or the sweeper
    # would bring back one the worker or the indexer held when Redis died.
    for article_id in accepted:
        assert own_stack.wait_status(article_id, timeout=INDEXED_WITHIN_S)["status"] == "indexed", article_id
    # Idle again, the worker and the indexer hold nothing: a message counted as held after it was finished would
    # one day make the watchdog take a busy process for a wedged one.
    for name in ("worker", "indexer"):
        wait_until(lambda name=name: held(own_stack, name) == 0, 60, what=f"the {name} holding nothing")


def held(stack: Stack, name: str) -> int:
    readiness = requests.get(f"http://127.0.0.1:{stack.metrics_ports[name]}/readyz", timeout=10).json()
    print(name, readiness["progress"])
    return int(readiness["progress"]["held"])


def _accepted(stack: Stack, name: str) -> str | None:
    answer = requests.post(
        f"{stack.ingest_url}/v1/articles",
        json={"url": f"https://outage.example.org/{name}", "title": f"After the outage {name}", "body": "Quiet night."},
        timeout=10,
    )
    return str(answer.json()["id"]) if answer.status_code == 202 else None
