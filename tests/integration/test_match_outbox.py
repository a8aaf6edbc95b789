"""The matches outbox in the real Redis (shared/topics/fan_out.py, ADR 0035): the indexer's staged matches are seen only
once a fan-out applies them, each entry once whichever of several fan-outs reaches it, and one entry the record
script refuses goes to the outbox's dead list without holding up the entries behind it."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from shared.redis_client import connect
from shared.settings import Settings
from shared.topics.fan_out import FanOut
from shared.topics.keys import TopicKeys
from shared.topics.notify import Match, MatchLog
from shared.topics.outbox import DeadEntries, OutboxCollector

MATCHED_AT = "2026-12-04T15:00:00Z"


@pytest.fixture
def outbox() -> Iterator[tuple[MatchLog, redis.Redis, Settings]]:
    settings = Settings(namespace=f"test-outbox-{uuid.uuid4().hex[:6]}")
    client = connect(settings)
    yield MatchLog(client, settings), client, settings
    for key in client.scan_iter(f"{settings.redis_key()}*"):
        client.delete(key)


def doc(n: int) -> dict[str, Any]:
    return {"id": f"a{n}", "title": f"Story {n}", "url": f"https://example.org/{n}", "source": "Wire"}


def event_articles(client: redis.Redis, settings: Settings, topic_id: str) -> list[str]:
    events = client.xrange(TopicKeys(settings).events(topic_id))
    return [json.loads(fields[b"data"])["article"]["id"] for _, fields in events]


def test_staged_matches_become_events_when_the_fan_out_applies_them(outbox: tuple[MatchLog, redis.Redis, Settings]) -> None:
    match_log, client, settings = outbox
    match_log.stage([Match({"id": "t1"}, doc(1), 0), Match({"id": "t1"}, doc(2), 0)], MATCHED_AT)
    match_log.stage([Match({"id": "t1"}, doc(2), 0), Match({"id": "t1"}, doc(3), 0)], MATCHED_AT)  # a2 redelivered
    assert event_articles(client, settings, "t1") == []  # staged: nobody notified yet
    fan_out = FanOut(client, settings)
    assert fan_out.drain() == 2
    assert event_articles(client, settings, "t1") == ["a1", "a2", "a3"]
    assert client.xlen(TopicKeys(settings).outbox) == 0 and fan_out.drain() == 0


def test_each_entry_is_applied_once_by_whichever_of_several_fan_outs_reaches_it(
    outbox: tuple[MatchLog, redis.Redis, Settings],
) -> None:
    match_log, client, settings = outbox
    for n in range(200):
        match_log.stage([Match({"id": f"t{n % 5}"}, doc(n), 0)], MATCHED_AT)
    fan_outs = [FanOut(connect(settings), settings) for _ in range(3)]
    applied: list[int] = []
    threads = [threading.Thread(target=lambda f=f: applied.append(f.drain())) for f in fan_outs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sum(applied) == 200 and client.xlen(TopicKeys(settings).outbox) == 0
    for t in range(5):
        assert sorted(event_articles(client, settings, f"t{t}")) == sorted(f"a{n}" for n in range(t, 200, 5))


def test_an_entry_the_script_refuses_is_dead_lettered_and_the_next_ones_applied(
    outbox: tuple[MatchLog, redis.Redis, Settings],
) -> None:
    match_log, client, settings = outbox
    keys = TopicKeys(settings)
    client.set(keys.matched("t-broken"), "not a sorted set")  # the script's ZADD on it fails: WRONGTYPE
    broken = match_log.stage([Match({"id": "t-fine"}, doc(3), 0), Match({"id": "t-broken"}, doc(1), 0)], MATCHED_AT)
    with pytest.raises(redis.ResponseError):  # half applied (Redis undoes nothing), the entry is still there
        match_log.apply(broken, client.xrange(keys.outbox, broken, broken)[0][1])
    assert client.xlen(keys.outbox) == 1 and event_articles(client, settings, "t-fine") == ["a3"]
    client.xadd(keys.outbox, {"written": "by hand"})  # no fields the indexer writes
    match_log.stage([Match({"id": "t-fine"}, doc(2), 0)], MATCHED_AT)
    assert FanOut(client, settings).drain() == 1
    assert event_articles(client, settings, "t-fine") == ["a3", "a2"]
    dead = DeadEntries(client, settings)
    listed = dead.listing()
    assert [(d["id"] == broken, d["reason"].split(":")[0], d["matches"]) for d in reversed(listed)] == [
        (True, "ResponseError", 2),
        (False, "unreadable entry", None),
    ]
    assert "WRONGTYPE" in listed[-1]["reason"] and client.xlen(keys.outbox) == 0
    # Fixed by hand, the refused entry is replayed and applied; the hand-written one cannot be staged again.
    client.delete(keys.matched("t-broken"))
    assert dead.replay_all() == [broken] and dead.count() == 1 and not dead.replay(broken)
    assert FanOut(client, settings).drain() == 1
    assert event_articles(client, settings, "t-broken") == ["a1"]


def test_the_fan_out_thread_applies_what_is_staged_while_it_waits(outbox: tuple[MatchLog, redis.Redis, Settings]) -> None:
    match_log, client, settings = outbox
    fan_out = FanOut(connect(settings, blocking_s=2), settings)
    thread = fan_out.start()
    try:
        time.sleep(0.3)  # blocked on the empty outbox
        match_log.stage([Match({"id": "t1"}, doc(1), 0)], MATCHED_AT)
        deadline = time.monotonic() + 10
        while not event_articles(client, settings, "t1") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert event_articles(client, settings, "t1") == ["a1"]
    finally:
        fan_out.stop.set()
        thread.join(5)
    assert not thread.is_alive()


def test_the_outbox_gauges_say_how_much_waits_and_since_when(outbox: tuple[MatchLog, redis.Redis, Settings]) -> None:
    match_log, client, settings = outbox
    match_log.stage([Match({"id": "t1"}, doc(1), 0)], MATCHED_AT)
    time.sleep(0.5)
    match_log.stage([Match({"id": "t1"}, doc(2), 0)], MATCHED_AT)
    client.hset(TopicKeys(settings).outbox_dead, "1-0", "{}")
    gauges = {family.name: family.samples[0].value for family in OutboxCollector(client, settings).collect()}
    assert gauges["newsroom_topic_outbox_entries"] == 2 and gauges["newsroom_topic_outbox_dead_letters"] == 1
    assert 0.5 <= gauges["newsroom_topic_outbox_oldest_seconds"] < 30


def test_newsctl_lists_and_replays_dead_batches(
    outbox: tuple[MatchLog, redis.Redis, Settings], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from services.cli import main as cli
    from services.cli import matches as cli_matches

    match_log, client, settings = outbox
    monkeypatch.setattr(cli_matches, "get_settings", lambda: settings)
    keys = TopicKeys(settings)
    client.set(keys.matched("t1"), "not a sorted set")
    refused = match_log.stage([Match({"id": "t1"}, doc(1), 0), Match({"id": "t1"}, doc(2), 0)], MATCHED_AT)
    FanOut(client, settings).drain()
    assert cli.main(["matches", "dead"]) == 0
    listing = capsys.readouterr().out
    assert "1 dead batches of topic matches" in listing and f"{refused}  " in listing and "matches=2  ResponseError" in listing
    assert cli.main(["matches", "replay", "nope"]) == 1
    client.delete(keys.matched("t1"))
    assert cli.main(["matches", "replay", "--all"]) == 0
    assert cli.main(["matches", "dead", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1]) == {"total": 0, "items": []}
    assert FanOut(client, settings).drain() == 1 and event_articles(client, settings, "t1") == ["a1", "a2"]
