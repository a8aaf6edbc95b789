"""The in-flight ledger and its sweeper on live processes: an accepted article whose Celery message was lost
(what kombu's BRPOP window does when Redis is killed) is sent again and ends searchable; finished articles,
indexed or dead-lettered, leave no entry; an article re-sent too often is dead-lettered as lost."""

from __future__ import annotations

import uuid
from typing import Any

from shared.delivery.celery_app import PROCESS_TASK, make_celery
from shared.delivery.deadletters import DeadLetters
from shared.delivery.inflight import InFlight
from shared.delivery.status import StatusStore
from tests.integration.test_ingest_backpressure import side_stack
from tests.stack import Stack, free_port, wait_until


def searchable(side: Stack, word: str) -> list[str]:
    side.refresh()
    hits = side.es.search(index=side.settings.index_alias, query={"match": {"body": word}}, size=10)["hits"]["hits"]
    return [h["_id"] for h in hits]


def article(article_id: str, word: str, accepted_at: str = "2026-03-01T10:00:00.000Z") -> dict[str, Any]:
    return {
        "id": article_id,
        "kind": "article",
        "article": {"title": f"About {word}", "body": f"Body {word}."},
        "accepted_at": accepted_at,
    }


def test_the_sweeper_resends_lost_articles_and_finished_ones_leave_no_entry(stack: Stack) -> None:
    with side_stack(stack, SWEEP_AFTER_S="3", SWEEP_INTERVAL_S="1", SWEEP_MAX_RESENDS="2") as side:
        ledger = InFlight(side.redis, side.settings)
        statuses, dead = StatusStore(side.redis, side.settings), DeadLetters(side.redis, side.settings)
        side.ingest_url = side.start_gunicorn("ingest", free_port(), "services.ingest.wsgi:app")
        lost_word = f"lostmessage{uuid.uuid4().hex[:8]}"
        answer = side.post("/v1/articles", json={"title": f"Lost {lost_word}", "body": f"Taken off the queue {lost_word}."})
        assert answer.status_code == 202
        lost = answer.json()["id"]
        assert ledger.version(lost)  # a 202 implies a ledger entry
        queue = f"{side.namespace}:{side.settings.queue_name}"
        assert side.redis.delete(queue) == 1  # the message is gone, as if Redis died inside kombu's BRPOP window

        # Re-sent twice already without finishing: dead-lettered as lost at the next sweep.
        ledger.add(article("given-up", "givenup"))
        ledger.resent("given-up"), ledger.resent("given-up")
        # Already dead-lettered with this version (its entry was left behind): forgotten, not sent again.
        dead.add(article("settled", "settled"), "normalize: simulated", 1)
        statuses.set("settled", "failed", error="normalize: simulated")
        ledger.add(article("settled", "settled"))
        # Final status, but of an OLDER copy: the newer accepted copy is still swept, and ends indexed.
        newer_word = f"newercopy{uuid.uuid4().hex[:8]}"
        dead.add(article("newer", "older", "2026-01-01T10:00:00.000Z"), "normalize: simulated", 1)
        statuses.set("newer", "failed", error="normalize: simulated")
        ledger.add(article("newer", newer_word))

        side.start_worker()
        side.start_indexer()
        side.start_beat()
        assert side.wait_status(lost, timeout=120)["status"] == "indexed"
        assert wait_until(lambda: searchable(side, lost_word), 30, what="the lost article in search") == [lost]
        assert side.wait_status("newer", ("indexed",), timeout=60)["status"] == "indexed"
        assert searchable(side, newer_word) == ["newer"]
        gone = wait_until(lambda: (g := dead.get("given-up")) and g, 30, what="the given-up article dead-lettered")
        assert gone["reason"] == "lost in the pipeline: re-sent 2 times without finishing"
        assert statuses.get("given-up")["status"] == "failed"  # type: ignore[index]
        assert dead.get("settled")["attempts"] == 1  # type: ignore[index]  # not processed again
        wait_until(lambda: ledger.size() == 0, 30, what="an empty ledger")

        # An entry left behind for a copy already indexed is forgotten; one for a newer copy is sent again.
        version = int(side.es.get(index=side.settings.index_alias, id=lost, source=False)["_version"])
        before = statuses.get(lost)
        ledger.add({**article(lost, lost_word), "version_ms": version})
        wait_until(lambda: ledger.size() == 0, 30, what="the indexed copy's entry forgotten")
        assert statuses.get(lost) == before  # not processed again
        ledger.add({**article(lost, lost_word), "version_ms": version + 1})
        wait_until(lambda: ledger.size() == 0, 60, what="the newer copy indexed")
        assert int(side.es.get(index=side.settings.index_alias, id=lost, source=False)["_version"]) == version + 1

        # Finished normally: indexed, or dead-lettered by the worker, the entry goes with the final state.
        indexed = side.post("/v1/articles", json={"title": "Straight through", "body": f"Fine {uuid.uuid4().hex}."})
        assert side.wait_status(indexed.json()["id"], timeout=60)["status"] == "indexed"
        broken = {"id": "broken", "kind": "article", "article": "not an object", "accepted_at": "2026-03-01T10:00:00.000Z"}
        ledger.add(broken)
        make_celery(side.settings).send_task(PROCESS_TASK, args=[[broken]])
        assert side.wait_status("broken", timeout=60)["status"] == "failed"
        assert ledger.version(indexed.json()["id"]) is None and ledger.version("broken") is None
        assert ledger.size() == 0
