"""A batch travels in a few Celery messages (ARTICLES_PER_TASK each): a poison article among them costs only
itself. One that raises is dead-lettered alone; one that kills its worker process, or hangs past the hard time
limit, fails its whole message, which is split into single-article messages: the others end indexed, once, and
the culprit is dead-lettered as poison. Real worker processes (the chaos suite's poisoned normalizer)."""

from __future__ import annotations

import uuid
from typing import Any

from shared.delivery.deadletters import DeadLetters
from tests.integration.test_ingest_backpressure import side_stack
from tests.stack import BIN, Stack, free_port, wait_until

POISONS = {2: "POISON-RAISE", 5: "POISON-CRASH", 9: "POISON-HARDHANG"}  # each in a different message of four


def batch(word: str) -> list[dict[str, Any]]:
    items = []
    for n in range(12):
        title = f"{POISONS.get(n, 'Fine')} article {n} {word}"
        items.append({"title": title, "body": f"Article number {n} about {word}. " * 5, "url": f"https://x.test/{word}/{n}"})
    return items


def indexed_copies(side: Stack, word: str) -> dict[str, int]:
    side.refresh()
    hits = side.es.search(index=side.settings.index_alias, query={"match": {"body": word}}, size=50)["hits"]["hits"]
    counts: dict[str, int] = {}
    for hit in hits:
        counts[hit["_source"]["url"]] = counts.get(hit["_source"]["url"], 0) + 1
    return counts


def test_a_poison_article_in_a_batch_costs_only_itself(stack: Stack) -> None:
    limits = {"TASK_SOFT_TIME_LIMIT_S": "2", "TASK_TIME_LIMIT_S": "4", "MAX_WORKER_LOSSES": "2"}
    with side_stack(stack, ARTICLES_PER_TASK="4", RETRY_BACKOFF_BASE_S="0.2", RETRY_BACKOFF_MAX_S="1", **limits) as side:
        side.ingest_url = side.start_gunicorn("ingest", free_port(), "services.ingest.wsgi:app")
        argv = [str(BIN / "celery"), "-A", "tests.chaos.poison_app", "worker", "--concurrency", "2", "--loglevel", "INFO"]
        side.start("worker", [*argv, "-n", f"poison-{side.namespace}@%h", "--without-mingle", "--without-gossip"])
        side.start_indexer()
        word = f"chunked{uuid.uuid4().hex[:8]}"
        answer = side.post("/v1/articles", json={"articles": batch(word)})
        assert answer.status_code == 202
        ids = [item["id"] for item in answer.json()["items"]]

        finals = [side.wait_status(i, ("indexed",), timeout=120) for i in ids]
        failed = {n for n, s in enumerate(finals) if s["status"] == "failed"}
        assert failed == set(POISONS)
        dead = DeadLetters(side.redis, side.settings)
        reasons = {n: dead.get(ids[n])["reason"] for n in POISONS}  # type: ignore[index]
        assert reasons[2].startswith("normalize: ValueError")
        assert reasons[5] == "poison: its processing killed or hung the worker 2 times"
        assert reasons[9].startswith("poison: exceeded the hard time limit (4s)")
        fine = {f"https://x.test/{word}/{n}" for n in range(12) if n not in POISONS}
        copies = wait_until(lambda: (c := indexed_copies(side, word)) and set(c) == fine and c, 30, what="the nine fine ones")
        assert set(copies.values()) == {1}  # every fine article stored once, split messages or not
