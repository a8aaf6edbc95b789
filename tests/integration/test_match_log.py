"""Recording a batch's matches in the real Redis (shared/topics/notify.py): each match's event names its own article
and topic, a webhook topic's delivery carries that event as its body, and recording the batch again adds nothing."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from shared.redis_client import connect
from shared.settings import Settings
from shared.topics.keys import TopicKeys, WebhookKeys
from shared.topics.notify import Match, MatchLog

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
