"""Recording a batch's matches in Redis, each exactly once, in one atomic script (docs/topics.md).

For every (topic, article) match the script adds the article to the topic's matched set (NX: an article already
matched, a redelivered batch or a near-duplicate counted under its original's id, changes nothing); a new one
becomes an event on the topic's stream (the SSE backlog, trimmed to about TOPIC_EVENTS_BACKLOG) and, when the
topic has a webhook, a delivery due now (shared/webhooks/). Being one script, a match is recorded whole or not at
all: the indexer runs it before it acknowledges the batch, so a process killed at any point leaves the batch to be
written and matched again, and the matched set makes that second run add nothing.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import redis

from shared.settings import Settings
from shared.topics.keys import TopicKeys, WebhookKeys

FIELDS_PER_MATCH = 6
# KEYS: deliveries, due, wake, then per match: matched set, events stream.
# ARGV: backlog, matched max, now (s), then per match: article key, score, event data, topic id, delivery head, tail.
_RECORD = """
local backlog, matched_max, now = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local added = {}
local n = (#KEYS - 3) / 2
for i = 1, n do
  local matched, events = KEYS[2 + 2 * i], KEYS[3 + 2 * i]
  local a = 3 + (i - 1) * 6
  local article, score, data, topic, head, tail = ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], ARGV[a + 5], ARGV[a + 6]
  if redis.call('ZADD', matched, 'NX', score, article) == 1 then
    if redis.call('ZCARD', matched) > matched_max then
      redis.call('ZREMRANGEBYRANK', matched, 0, -matched_max - 1)
    end
    local event = redis.call('XADD', events, 'MAXLEN', '~', backlog, '*', 'data', data)
    if head ~= '' then
      local delivery = 'evt_' .. topic .. '_' .. event
      redis.call('HSET', KEYS[1], delivery, head .. delivery .. tail)
      redis.call('ZADD', KEYS[2], now, delivery)
      redis.call('LPUSH', KEYS[3], '1')
      redis.call('LTRIM', KEYS[3], 0, 999)
    end
    added[#added + 1] = topic
  end
end
return added
"""


@dataclass(frozen=True)
class Match:
    topic: dict[str, Any]  # the topic's record (shared/topics/store.py)
    doc: dict[str, Any]  # the indexed document
    accepted_ms: int  # when the article was accepted (its 202): delivery latency is counted from it


def summary(doc: dict[str, Any]) -> dict[str, Any]:
    """The article as a match event shows it (the contract's fields)."""
    location = doc.get("location") or {}
    geo = location.get("geo") or {}
    return {
        "id": doc["id"],
        "title": doc.get("title"),
        "url": doc.get("url"),
        "source": doc.get("source"),
        "published_at": doc.get("published_at"),
        "location": {
            "city": location.get("city"),
            "country": location.get("country"),
            "country_code": location.get("country_code"),
            "lat": geo.get("lat"),
            "lon": geo.get("lon"),
        },
    }


def event_data(match: Match, matched_at: str) -> str:
    return json.dumps({"topic_id": match.topic["id"], "article": summary(match.doc), "matched_at": matched_at})


def _delivery_parts(match: Match, data: str, now_ms: int) -> tuple[str, str]:
    """The delivery record's JSON split around its id, which only the script knows (it is the event's id)."""
    url = match.topic.get("webhook_url")
    if not url:
        return "", ""
    rest = {"topic_id": match.topic["id"], "url": url, "body": data, "accepted_ms": match.accepted_ms, "created_ms": now_ms}
    return '{"id": "', '", ' + json.dumps({**rest, "attempts": 0})[1:]


class MatchLog:
    def __init__(self, client: redis.Redis, settings: Settings) -> None:
        self.settings = settings
        self.topics, self.webhooks = TopicKeys(settings), WebhookKeys(settings)
        self._record = client.register_script(_RECORD)

    def record(self, matches: list[Match], matched_at: str) -> list[str]:
        """The topic ids of the matches that were new (an event each, and a delivery when the topic has a webhook)."""
        if not matches:
            return []
        keys = [self.webhooks.deliveries, self.webhooks.due, self.webhooks.wake]
        now = time.time()
        args: list[Any] = [self.settings.topic_events_backlog, self.settings.topic_matched_max, f"{now:.3f}"]
        for match in matches:
            topic_id = match.topic["id"]
            keys += [self.topics.matched(topic_id), self.topics.events(topic_id)]
            data = event_data(match, matched_at)
            head, tail = _delivery_parts(match, data, int(now * 1000))
            original = match.doc.get("duplicate_of") or match.doc["id"]
            args += [original, f"{now:.3f}", data, topic_id, head, tail]
        added = self._record(keys=keys, args=args)
        return [a.decode() if isinstance(a, bytes) else str(a) for a in added]
