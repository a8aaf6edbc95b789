"""The reliability guarantees (docs/guarantees.md) on the live stack: a redelivered task stores nothing twice, an
older copy never overwrites a newer one, dead letters can be listed and replayed, and the ingest service says 503
(never 202) without Redis."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from typing import Any

import requests

from shared.articles.ids import article_id
from shared.delivery.celery_app import PROCESS_TASK, make_celery
from shared.delivery.deadletters import DeadLetters
from tests.chaos.census import writes_in_logs
from tests.stack import ROOT, Stack, free_port, gunicorn_argv, wait_until


def payload(word: str, title: str, accepted_at: str, url: str | None = None) -> dict[str, Any]:
    url = url or f"https://reliability.example.org/{word}"
    return {
        "id": article_id(url, None, None),
        "kind": "article",
        "article": {"url": url, "title": title, "body": f"Body about {word}."},
        "accepted_at": accepted_at,
    }


def stored(stack: Stack, doc_id: str) -> list[dict[str, Any]]:
    stack.refresh()
    hits = stack.es.search(index=stack.settings.index_alias, query={"term": {"id": doc_id}}, size=10)["hits"]["hits"]
    return [h["_source"] for h in hits]


def raw_message(stack: Stack, task_id: str, args: list[Any]) -> bytes:
    """The Celery message exactly as kombu keeps it in Redis: published once, to a list no worker reads, taken
    from there, its routing key set to the worker's queue (what kombu restores a message to)."""
    probe = f"{stack.namespace}.redelivery-probe"
    make_celery(stack.settings).send_task(PROCESS_TASK, args=args, task_id=task_id, queue=probe)
    key = f"{stack.namespace}:{probe}"  # kombu's list of that queue, under the namespace's key prefix
    raw = stack.redis.rpop(key)
    assert raw is not None and stack.redis.llen(key) == 0
    message = json.loads(raw)
    message["properties"]["delivery_info"]["routing_key"] = stack.settings.queue_name
    return json.dumps(message).encode()


def redeliver(stack: Stack, raw: bytes) -> None:
    """Put the message on the worker's queue as kombu's Redis transport does (LPUSH; workers BRPOP)."""
    stack.redis.lpush(f"{stack.namespace}:{stack.settings.queue_name}", raw)


def test_a_redelivered_task_stores_the_article_once(stack: Stack) -> None:
    """The same message (task id, body, delivery tag) delivered twice, as Redis does after a worker died before
    acknowledging it. The second delivery comes after the first copy is indexed, so the two copies reach the
    indexer in different batches: only the idempotent write (`_id` = article id) keeps it one document. Both
    copies must really be written, or the test would prove nothing about that write."""
    word = f"redeliver{uuid.uuid4().hex[:8]}"
    item = payload(word, f"Redelivered {word}", "2026-01-01T10:00:00.000Z")
    task_id = f"redelivery-{word}"
    raw = raw_message(stack, task_id, [[item]])
    deliveries = stack.settings.redis_key("deliveries", task_id)  # the worker's count of this task's starts

    redeliver(stack, raw)
    assert stack.wait_status(item["id"])["status"] == "indexed"
    redeliver(stack, raw)
    # Settled twice: the worker counted the second delivery (and marked the article `processing` in the same
    # transaction), then the indexer marked it indexed again.
    wait_until(lambda: stack.redis.get(deliveries) == b"2" and stack.status(item["id"])["status"] == "indexed", 60)
    indexer_log = stack.logs / "indexer.log"
    wait_until(lambda: writes_in_logs([indexer_log])[item["id"]] >= 2, 30, what="the second write's log line")

    docs = stored(stack, item["id"])
    assert [(d["title"], d["body"]) for d in docs] == [(f"Redelivered {word}", f"Body about {word}.")]
    assert writes_in_logs([indexer_log])[item["id"]] == 2  # written twice, stored once


def test_an_older_copy_never_overwrites_a_newer_one(stack: Stack) -> None:
    word = f"versions{uuid.uuid4().hex[:8]}"
    old = payload(word, f"Old headline {word}", "2026-01-01T10:00:00.000Z")
    DeadLetters(stack.redis, stack.settings).add(old, "index: 503 simulated outage", 9)
    new = stack.post("/v1/articles", json={"url": old["article"]["url"], "title": f"New headline {word}", "body": "Updated."})
    assert new.status_code == 202 and new.json()["id"] == old["id"]
    stack.wait_status(old["id"])
    replay = stack.post(f"/v1/dead-letters/{old['id']}/replay")
    assert replay.status_code == 202
    assert stack.wait_status(old["id"])["status"] == "indexed"
    assert [d["title"] for d in stored(stack, old["id"])] == [f"New headline {word}"]


def test_dead_letters_are_listed_with_reason_and_replayed_into_search(stack: Stack) -> None:
    word = f"deadletter{uuid.uuid4().hex[:8]}"
    item = payload(word, f"Dead letter {word}", "2026-02-01T10:00:00.000Z")
    DeadLetters(stack.redis, stack.settings).add(item, "index: 429 too many requests (gave up after 9 attempts)", 9)
    listing = requests.get(f"{stack.ingest_url}/v1/dead-letters?limit=1000", timeout=10).json()
    mine = [i for i in listing["items"] if i["id"] == item["id"]]
    assert mine and mine[0]["attempts"] == 9 and "429" in mine[0]["reason"] and mine[0]["failed_at"]
    assert listing["total"] >= 1
    assert stack.post(f"/v1/dead-letters/{item['id']}/replay").status_code == 202
    assert stack.wait_status(item["id"])["status"] == "indexed"
    hits = wait_until(lambda: stack.search(q=word).json()["hits"], 30, what="the replayed article in search")
    assert [h["id"] for h in hits] == [item["id"]]
    listing = requests.get(f"{stack.ingest_url}/v1/dead-letters?limit=1000", timeout=10).json()
    assert item["id"] not in [i["id"] for i in listing["items"]]
    assert stack.post(f"/v1/dead-letters/{item['id']}/replay").status_code == 404


def test_dead_letter_limit_is_checked(stack: Stack) -> None:
    for bad in ("0", "1001", "x", "-1"):
        answer = requests.get(f"{stack.ingest_url}/v1/dead-letters?limit={bad}", timeout=10)
        assert answer.status_code == 400 and answer.json()["error"]["field"] == "limit"


def test_without_redis_the_ingest_service_answers_503_with_retry_after(stack: Stack) -> None:
    port, dead_redis = free_port(), free_port()  # nothing listens on dead_redis
    env = {**stack.env, "REDIS_URL": f"redis://127.0.0.1:{dead_redis}/0", "PUBLISH_TIMEOUT_S": "1"}
    argv = gunicorn_argv(port, "services.ingest.wsgi:app", "--workers", "1")
    with open(stack.logs / "ingest-no-redis.log", "ab") as log:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: requests.get(f"{url}/healthz", timeout=2).ok, 60, what="ingest without Redis")
        answer = requests.post(f"{url}/v1/articles", json={"title": "No queue", "body": "Nowhere to go."}, timeout=30)
        assert answer.status_code == 503
        assert int(answer.headers["Retry-After"]) > 0
        assert answer.json()["error"]["code"] == "queue_unavailable"
        batch = requests.post(f"{url}/v1/articles", json={"articles": [{"title": "a"}, {"title": "b"}]}, timeout=30)
        assert batch.status_code == 503 and "Retry-After" in batch.headers
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(30)
