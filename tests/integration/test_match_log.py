"""Recording a batch's matches in the real Redis (shared/topics/notify.py): each match's event names its own article
and topic, a webhook topic's delivery carries that event as its body, and recording the batch again adds nothing.
The matches outbox (shared/topics/fan_out.py, ADR 0035): the indexer's staged matches are seen only once a fan-out
applies them, each entry once whichever of several fan-outs reaches it, and one entry the record script refuses goes
to the outbox's dead list without holding up the entries behind it."""

from __future__ import annotations

import json
import logging
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
from shared.topics.keys import TopicKeys, WebhookKeys
from shared.topics.notify import Match, MatchLog
from shared.topics.outbox import DeadEntries, OutboxCollector

MATCHED_AT = "2026-12-03T22:00:00Z"


@pytest.fixture
def log() -> Iterator[tuple[MatchLog, redis.Redis, Settings]]:
    settings = Settings(namespace=f"test-matchlog-{uuid.uuid4().hex[:6]}")
    client = connect(settings)
    yield MatchLog(client, settings), client, settings
    for key in client.scan_iter(f"{settings.redis_key()}*"):
        client.delete(key)


def doc(n: int, **more: Any) -> dict[str, Any]:
    return {"id": f"a{n}", "title": f"Story {n}", "url": f"https://example.org/{n}", "source": "Wire", **more}


def events(client: redis.Redis, keys: TopicKeys, topic_id: str) -> list[dict[str, Any]]:
    return [json.loads(fields[b"data"]) for _, fields in client.xrange(keys.events(topic_id))]


def test_each_match_is_recorded_with_its_own_article_and_topic_once(log: tuple[MatchLog, redis.Redis, Settings]) -> None:
    match_log, client, settings = log
    quiet, hooked = {"id": "t-quiet"}, {"id": "t-hook", "webhook_url": "https://partner.example/hook"}
    matches = [Match(quiet, doc(1), 1001), Match(hooked, doc(1), 1001), Match(hooked, doc(2), 2002), Match(quiet, doc(3), 3003)]
    assert match_log.record(matches, MATCHED_AT) == 4
    topics, webhooks = TopicKeys(settings), WebhookKeys(settings)
    quiet_events = events(client, topics, "t-quiet")
    assert [(e["topic_id"], e["article"]["id"]) for e in quiet_events] == [("t-quiet", "a1"), ("t-quiet", "a3")]
    hooked_events = events(client, topics, "t-hook")
    assert [(e["article"]["id"], e["article"]["url"], e["matched_at"]) for e in hooked_events] == [
        ("a1", "https://example.org/1", MATCHED_AT),
        ("a2", "https://example.org/2", MATCHED_AT),
    ]
    deliveries = sorted((json.loads(v) for v in client.hvals(webhooks.deliveries)), key=lambda d: d["accepted_ms"])
    assert [(d["url"], d["accepted_ms"], json.loads(d["body"])) for d in deliveries] == [
        ("https://partner.example/hook", 1001, hooked_events[0]),
        ("https://partner.example/hook", 2002, hooked_events[1]),
    ]
    assert client.zcard(webhooks.due) == 2
    assert match_log.record(matches, MATCHED_AT) == 0  # a redelivered batch: nothing new
    assert len(events(client, topics, "t-quiet")) == 2 and client.hlen(webhooks.deliveries) == 2


def test_a_near_duplicate_is_counted_under_its_original(log: tuple[MatchLog, redis.Redis, Settings]) -> None:
    match_log, client, settings = log
    topic = {"id": "t1"}
    assert match_log.record([Match(topic, doc(1), 0)], MATCHED_AT) == 1
    assert match_log.record([Match(topic, doc(9, duplicate_of="a1"), 0)], MATCHED_AT) == 0
    assert [e["article"]["id"] for e in events(client, TopicKeys(settings), "t1")] == ["a1"]


def test_a_topic_remembers_its_newest_matched_articles_up_to_its_bound(log: tuple[MatchLog, redis.Redis, Settings]) -> None:
    _, client, settings = log
    bounded = MatchLog(client, settings.model_copy(update={"topic_matched_max": 3}))
    topic = {"id": "t1"}
    assert bounded.record([Match(topic, doc(n), 0) for n in range(1, 6)], MATCHED_AT) == 5
    assert client.zcard(TopicKeys(settings).matched("t1")) == 3
    time.sleep(0.01)  # the next batch's matches are newer
    assert bounded.record([Match(topic, doc(n), 0) for n in range(6, 9)], MATCHED_AT) == 3
    assert bounded.record([Match(topic, doc(n), 0) for n in range(6, 9)], MATCHED_AT) == 0  # the newest: remembered
    assert bounded.record([Match(topic, doc(1), 0)], MATCHED_AT) == 1  # an older one, forgotten: an event again


def test_a_batch_with_deliveries_wakes_the_deliverer_once(log: tuple[MatchLog, redis.Redis, Settings]) -> None:
    match_log, client, settings = log
    hooked = {"id": "t-hook", "webhook_url": "https://partner.example/hook"}
    assert match_log.record([Match({"id": "t-quiet"}, doc(1), 0)], MATCHED_AT) == 1
    assert client.llen(WebhookKeys(settings).wake) == 0  # nothing to deliver: nobody woken
    assert match_log.record([Match(hooked, doc(n), 0) for n in range(1, 4)], MATCHED_AT) == 3
    assert client.llen(WebhookKeys(settings).wake) == 1 and client.hlen(WebhookKeys(settings).deliveries) == 3


def event_articles(client: redis.Redis, settings: Settings, topic_id: str) -> list[str]:
    return [event["article"]["id"] for event in events(client, TopicKeys(settings), topic_id)]


def test_staged_matches_become_events_when_the_fan_out_applies_them(log: tuple[MatchLog, redis.Redis, Settings]) -> None:
    match_log, client, settings = log
    match_log.stage([Match({"id": "t1"}, doc(1), 0), Match({"id": "t1"}, doc(2), 0)], MATCHED_AT)
    match_log.stage([Match({"id": "t1"}, doc(2), 0), Match({"id": "t1"}, doc(3), 0)], MATCHED_AT)  # a2 redelivered
    assert event_articles(client, settings, "t1") == []  # staged: nobody notified yet
    fan_out = FanOut(client, settings)
    assert fan_out.drain() == 2
    assert event_articles(client, settings, "t1") == ["a1", "a2", "a3"]
    assert client.xlen(TopicKeys(settings).outbox) == 0 and fan_out.drain() == 0


def test_each_entry_is_applied_once_by_whichever_of_several_fan_outs_reaches_it(
    log: tuple[MatchLog, redis.Redis, Settings],
) -> None:
    match_log, client, settings = log
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
    log: tuple[MatchLog, redis.Redis, Settings],
) -> None:
    match_log, client, settings = log
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


def test_the_fan_out_thread_applies_what_is_staged_while_it_waits(
    log: tuple[MatchLog, redis.Redis, Settings], caplog: pytest.LogCaptureFixture
) -> None:
    """Its blocking read outlasts REDIS_TIMEOUT_S (here shorter than the block) without a failure."""
    match_log, client, settings = log
    fan_out = FanOut.connected(settings.model_copy(update={"redis_timeout_s": 0.3}))
    thread = fan_out.start()
    try:
        time.sleep(1.5)  # blocked on the empty outbox, longer than the Redis timeout
        match_log.stage([Match({"id": "t1"}, doc(1), 0)], MATCHED_AT)
        deadline = time.monotonic() + 10
        while not event_articles(client, settings, "t1") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert event_articles(client, settings, "t1") == ["a1"]
    finally:
        fan_out.stop.set()
        thread.join(5)
    assert not thread.is_alive()
    assert not [r.getMessage() for r in caplog.records if r.name == "shared.topics.fan_out" and r.levelno >= logging.WARNING]


def test_the_outbox_gauges_say_how_much_waits_and_since_when(log: tuple[MatchLog, redis.Redis, Settings]) -> None:
    match_log, client, settings = log
    match_log.stage([Match({"id": "t1"}, doc(1), 0)], MATCHED_AT)
    time.sleep(0.5)
    match_log.stage([Match({"id": "t1"}, doc(2), 0)], MATCHED_AT)
    client.hset(TopicKeys(settings).outbox_dead, "1-0", "{}")
    gauges = {family.name: family.samples[0].value for family in OutboxCollector(client, settings).collect()}
    assert gauges["newsroom_topic_outbox_entries"] == 2 and gauges["newsroom_topic_outbox_dead_letters"] == 1
    assert 0.5 <= gauges["newsroom_topic_outbox_oldest_seconds"] < 30


def test_newsctl_lists_and_replays_dead_batches(
    log: tuple[MatchLog, redis.Redis, Settings], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from services.cli import main as cli
    from services.cli import matches as cli_matches

    match_log, client, settings = log
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
