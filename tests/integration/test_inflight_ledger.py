"""The in-flight ledger (shared/delivery/inflight.py) on the real Redis, under a namespace of its own: what it keeps,
and that an older copy of an article can neither replace nor remove the entry of a newer one."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest

from shared.delivery.inflight import InFlight, forget
from shared.delivery.status import StatusStore
from shared.redis_client import connect
from shared.settings import Settings


@pytest.fixture
def ledger() -> Iterator[InFlight]:
    settings = Settings(namespace=f"test-inflight-{uuid.uuid4().hex[:8]}")
    client = connect(settings)
    try:
        yield InFlight(client, settings)
    finally:
        for key in client.scan_iter(f"{settings.namespace}:*", count=1000):
            client.delete(key)


def payload(article_id: str, version_ms: int, title: str = "A title") -> dict[str, object]:
    return {"id": article_id, "kind": "article", "article": {"title": title}, "version_ms": version_ms}


def test_an_entry_is_due_once_old_enough_and_gone_once_done(ledger: InFlight) -> None:
    ledger.add(payload("a", 1000))
    assert ledger.due(older_than_s=60, limit=10) == []
    assert ledger.due(older_than_s=0, limit=10) == [payload("a", 1000)]
    assert ledger.size() == 1 and ledger.version("a") == 1000
    ledger.done({"a": 1000})
    assert ledger.size() == 0 and ledger.due(older_than_s=0, limit=10) == []
    assert not [k for k in ledger.redis.scan_iter(f"{ledger.settings.namespace}:*")]  # nothing left behind


def test_due_is_oldest_first_and_limited(ledger: InFlight) -> None:
    for n in range(3):
        ledger.add(payload(f"id{n}", 1000 + n))
        time.sleep(0.01)
    assert [p["id"] for p in ledger.due(older_than_s=0, limit=2)] == ["id0", "id1"]


def test_an_older_copy_never_replaces_a_newer_one(ledger: InFlight) -> None:
    ledger.add(payload("a", 2000, "New"))
    ledger.add(payload("a", 1000, "Old"))  # a dead-letter replay of an older copy
    assert ledger.version("a") == 2000
    assert ledger.due(older_than_s=0, limit=10) == [payload("a", 2000, "New")]
    ledger.add(payload("a", 3000, "Newer"))
    assert ledger.version("a") == 3000


def test_an_older_copy_finishing_leaves_the_newer_entry(ledger: InFlight) -> None:
    ledger.add(payload("a", 1000))
    ledger.add(payload("a", 2000))
    ledger.done({"a": 1000})  # the older copy indexed (or superseded) after the newer one was accepted
    assert ledger.version("a") == 2000 and ledger.size() == 1
    ledger.done({"a": 3000, "unknown": 5})  # a newer version finished: the entry goes; unknown ids are ignored
    assert ledger.size() == 0


def test_added_in_the_same_transaction_as_the_status(ledger: InFlight) -> None:
    statuses = StatusStore(ledger.redis, ledger.settings)
    pipe = ledger.redis.pipeline(transaction=True)
    statuses.set("a", "queued", pipe=pipe)
    ledger.add(payload("a", 1000), pipe=pipe)
    assert ledger.size() == 0  # nothing before execute
    pipe.execute()
    assert statuses.get("a")["status"] == "queued" and ledger.version("a") == 1000  # type: ignore[index]
    pipe = ledger.redis.pipeline(transaction=False)
    ledger.done({"a": 1000}, pipe=pipe)
    pipe.execute()
    assert ledger.size() == 0


def test_resends_are_counted_touch_and_reset_by_a_new_accept(ledger: InFlight) -> None:
    ledger.add(payload("a", 1000))
    assert ledger.resends("a") == 0
    assert ledger.resent("a") == 1 and ledger.resent("a") == 2
    assert ledger.due(older_than_s=1, limit=10) == []  # a re-send touches the entry
    ledger.add(payload("a", 2000))  # accepted again: a new copy, a new count
    assert ledger.resends("a") == 0
    ledger.done({"a": 2000})
    assert ledger.resent("a") == 0 and ledger.resends("a") == 0  # gone: nothing counted, nothing created


def test_touch_moves_the_clock_but_never_creates_an_entry(ledger: InFlight) -> None:
    ledger.touch("ghost")
    assert ledger.size() == 0
    ledger.add(payload("a", 1000))
    time.sleep(0.3)
    ledger.touch("a")
    assert ledger.due(older_than_s=0.2, limit=10) == []
    assert ledger.due(older_than_s=0, limit=10) == [payload("a", 1000)]


def test_forget_removes_only_its_own_copy(ledger: InFlight) -> None:
    ledger.add(payload("a", 2000))
    forget(ledger, [payload("a", 1000)])
    assert ledger.version("a") == 2000
    forget(ledger, [payload("a", 2000)])
    assert ledger.size() == 0
