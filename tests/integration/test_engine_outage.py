"""An Elasticsearch outage longer than the articles' retry budget, on long-lived processes: nothing is
dead-lettered for it, and articles flow again as soon as the engine answers.

The services run against an Elasticsearch node of this module's own (stopping it never touches the shared
one). Their retry budget is cut to one quick retry, so that before the indexer learned to wait for the
engine, this outage dead-lettered every article that arrived during it.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
import requests

from shared.delivery.celery_app import INDEX_TASK, make_celery
from tests.chaos.engines import ChaosElasticsearch, free_node_port
from tests.stack import Stack, live_stack, wait_until

OUTAGE_S = 20
# Far above a healthy pipeline's seconds, far below the longest countdown parked in the indexer below.
INDEXED_WITHIN_S = 45


@pytest.fixture(scope="module")
def engine() -> Iterator[ChaosElasticsearch]:
    # A port pair clear of chaos (19200-19350), the restore drill (19400-19599) and the soak suite (19600/19700).
    node = ChaosElasticsearch(f"outage-{uuid.uuid4().hex[:6]}", 1, free_node_port(range(19800, 19900)))
    node.start()
    yield node
    node.wipe()


@pytest.fixture(scope="module")
def own_stack(engine: ChaosElasticsearch) -> Iterator[Stack]:
    tight_retries = {"TASK_MAX_RETRIES": "1", "RETRY_BACKOFF_BASE_S": "0.5", "RETRY_BACKOFF_MAX_S": "1"}
    with live_stack({"ELASTICSEARCH_URL": engine.url(), **tight_retries}) as running:
        yield running


def post(stack: Stack, tag: str, n: int) -> str:
    body = {"url": f"https://outage.example.org/{tag}/{n}", "title": f"Engine outage {tag} {n}", "body": f"Story {n}."}
    return str(stack.post("/v1/articles", json=body).json()["id"])


def test_an_outage_longer_than_the_retry_budget_dead_letters_nothing(own_stack: Stack, engine: ChaosElasticsearch) -> None:
    tag = uuid.uuid4().hex[:8]
    assert own_stack.wait_status(post(own_stack, tag, 0))["status"] == "indexed"
    engine.stop()
    during = [post(own_stack, tag, n) for n in range(1, 11)]
    time.sleep(OUTAGE_S)
    engine.start()
    after = post(own_stack, tag, 11)
    for article_id in [after, *during]:
        assert own_stack.wait_status(article_id, timeout=INDEXED_WITHIN_S + 60)["status"] == "indexed"


def test_retries_waiting_for_their_countdown_do_not_hold_back_new_articles(own_stack: Stack) -> None:
    # More parked retries than the indexer prefetches (INDEX_BATCH_MAX_DOCS / ARTICLES_PER_TASK per thread: 50).
    celery = make_celery(own_stack.settings)
    for _ in range(80):
        celery.send_task(INDEX_TASK, args=[[]], countdown=600)
    wait_until(lambda: metric(own_stack, "newsroom_consumer_held_messages") >= 50, 60, what="the retries parked")
    fresh = post(own_stack, uuid.uuid4().hex[:8], 0)
    assert own_stack.wait_status(fresh, timeout=INDEXED_WITHIN_S)["status"] == "indexed"


def metric(stack: Stack, name: str) -> float:
    text = requests.get(f"http://127.0.0.1:{stack.metrics_ports['indexer']}/metrics", timeout=10).text
    return sum(float(line.split()[-1]) for line in text.splitlines() if line.startswith(name + "{"))
