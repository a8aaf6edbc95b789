"""Recording a batch's matches in Redis, each exactly once: staged in the outbox, then applied by one atomic script.

The indexer stages a batch's matches as one entry of the matches outbox (a Redis stream) before it acknowledges the
batch, and goes on; the outbox's fan-out (shared/topics/fan_out.py) applies each entry with the record script. For
every (topic, article) match the script adds the article to the topic's matched set (NX: an article already matched,
a redelivered batch or a near-duplicate counted under its original's id, changes nothing); a new one becomes an event
on the topic's stream (the SSE backlog, trimmed to about TOPIC_EVENTS_BACKLOG) and, when the topic has a webhook, a
delivery due now (shared/webhooks/). The script does nothing if its entry is gone from the outbox, and deletes it
when done: an entry is applied once, or not yet, whichever process dies when (docs/adr/0035).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

import redis

from shared.redis_client import as_text
from shared.settings import Settings
from shared.topics.keys import TopicKeys, WebhookKeys

# Each article's summary and each topic's fields are sent once, and the matches as one string of number pairs: a
# batch of 200 articles at 10,000 topics has some 2,800 matches, and sending each its own event body was 17,000
# arguments, each packed by the client and read by the script.
# KEYS: outbox, deliveries, due, wake, then per topic: matched set, events stream.
# ARGV: the outbox entry's id, backlog, matched max, now (s), now (ms), matched at (JSON), articles, topics, matches
# ("article topic ...", each numbered from 1), then per article: article key, summary (JSON), accepted (ms); per
# topic: id, webhook URL (JSON; '' without one). Returns the number of new matches, or -1 when the entry was gone
# (another fan-out applied it). The entry is deleted last: Redis does not undo a script that fails half-way, and an
# entry that failed must stay in the outbox until the fan-out has put it in the dead list.
_RECORD = """
if #redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1]) == 0 then
  return -1
end
local backlog, matched_max, now, now_ms, matched_at = ARGV[2], tonumber(ARGV[3]), ARGV[4], ARGV[5], ARGV[6]
local articles, topics = tonumber(ARGV[7]), tonumber(ARGV[8])
local first_topic = 10 + 3 * articles
local added, delivered = 0, false
local topic_jsons, grown = {}, {}
for article_digits, topic_digits in string.gmatch(ARGV[9], '(%d+) (%d+)') do
  local article_n, topic_n = tonumber(article_digits), tonumber(topic_digits)
  local a, t = 10 + 3 * (article_n - 1), first_topic + 2 * (topic_n - 1)
  local matched, events = KEYS[3 + 2 * topic_n], KEYS[4 + 2 * topic_n]
  local topic, url_json = ARGV[t], ARGV[t + 1]
  if redis.call('ZADD', matched, 'NX', now, ARGV[a]) == 1 then
    grown[topic_n] = matched
    local topic_json = topic_jsons[topic_n]
    if not topic_json then
      topic_json = cjson.encode(topic) -- ids are ours ("t_" and hex): nothing cjson escapes differently
      topic_jsons[topic_n] = topic_json
    end
    local data = '{"topic_id": ' .. topic_json .. ', "article": ' .. ARGV[a + 1] .. ', "matched_at": ' .. matched_at .. '}'
    local event = redis.call('XADD', events, 'MAXLEN', '~', backlog, '*', 'data', data)
    if url_json ~= '' then
      local delivery = 'evt_' .. topic .. '_' .. event
      redis.call('HSET', KEYS[2], delivery, '{"id": "' .. delivery .. '", "topic_id": ' .. topic_json .. ', "url": '
        .. url_json .. ', "body": ' .. cjson.encode(data) .. ', "accepted_ms": ' .. ARGV[a + 2] .. ', "created_ms": '
        .. now_ms .. ', "attempts": 0}')
      redis.call('ZADD', KEYS[3], now, delivery)
      delivered = true
    end
    added = added + 1
  end
end
-- Once per topic and per batch, not per match: each topic remembers its newest matched_max articles.
for _, matched in pairs(grown) do
  if redis.call('ZCARD', matched) > matched_max then
    redis.call('ZREMRANGEBYRANK', matched, 0, -matched_max - 1)
  end
end
if delivered then -- one wake for the batch: the deliverer takes whatever is due when it wakes
  redis.call('LPUSH', KEYS[4], '1')
  redis.call('LTRIM', KEYS[4], 0, 999)
end
redis.call('XDEL', KEYS[1], ARGV[1])
return added
"""


ENTRY_FIELDS = ("keys", "args")  # an outbox entry: the record script's keys but the outbox's, and its arguments but the id


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


class MatchLog:
    def __init__(self, client: redis.Redis, settings: Settings) -> None:
        self.client, self.settings = client, settings
        self.topics, self.webhooks = TopicKeys(settings), WebhookKeys(settings)
        self._record = client.register_script(_RECORD)

    def stage(self, matches: list[Match], matched_at: str) -> str | None:
        """The batch's matches as one outbox entry, to be applied by `apply`; its id (None without matches)."""
        if not matches:
            return None
        numbered = _Numbered()
        for match in matches:
            numbered.add(match, self.topics)
        now = time.time()
        head: list[Any] = [self.settings.topic_events_backlog, self.settings.topic_matched_max, f"{now:.3f}", int(now * 1000)]
        head += [json.dumps(matched_at), len(numbered.articles), len(numbered.topics), " ".join(numbered.pairs)]
        keys = [self.webhooks.deliveries, self.webhooks.due, self.webhooks.wake, *numbered.topic_keys]
        values = (json.dumps(keys), json.dumps(head + numbered.article_args + numbered.topic_args))
        entry = dict(zip(ENTRY_FIELDS, values, strict=True))
        return as_text(self.client.xadd(self.topics.outbox, entry))  # type: ignore[arg-type]

    def apply(self, entry_id: str, fields: Any) -> int | None:
        """Record an outbox entry's matches: the number that were new (an event each, and a delivery when the topic
        has a webhook), or None when the entry was applied already."""
        keys, args = (json.loads(_field(fields, name)) for name in ENTRY_FIELDS)
        added = int(self._record(keys=[self.topics.outbox, *keys], args=[entry_id, *args]))
        return None if added < 0 else added

    def record(self, matches: list[Match], matched_at: str) -> int:
        """Stage and apply at once (the number of new matches): for tools and tests; the indexer only stages."""
        entry_id = self.stage(matches, matched_at)
        if entry_id is None:
            return 0
        entries: Any = self.client.xrange(self.topics.outbox, entry_id, entry_id)
        fields = entries[0][1]
        return self.apply(entry_id, fields) or 0


def _field(fields: Any, name: str) -> str:
    return as_text(fields[name] if name in fields else fields[name.encode()])


class _Numbered:
    """A batch's matches as the record script takes them: each article and topic once, numbered from 1."""

    def __init__(self) -> None:
        self.articles: dict[str, int] = {}
        self.topics: dict[str, int] = {}
        self.article_args: list[Any] = []
        self.topic_args: list[Any] = []
        self.topic_keys: list[str] = []
        self.pairs: list[str] = []  # "article topic", each numbered from 1

    def add(self, match: Match, keys: TopicKeys) -> None:
        doc_id, topic_id = match.doc["id"], match.topic["id"]
        if doc_id not in self.articles:
            self.articles[doc_id] = len(self.articles) + 1
            original = match.doc.get("duplicate_of") or doc_id
            self.article_args += [original, json.dumps(summary(match.doc)), match.accepted_ms]
        if topic_id not in self.topics:
            self.topics[topic_id] = len(self.topics) + 1
            url = match.topic.get("webhook_url")
            self.topic_args += [topic_id, json.dumps(url) if url else ""]
            self.topic_keys += [keys.matched(topic_id), keys.events(topic_id)]
        self.pairs.append(f"{self.articles[doc_id]} {self.topics[topic_id]}")
