"""The matches outbox seen from outside its fan-out: its gauges, and its dead list with replay (ADR 0035).

The dead list (`topics:outbox:dead`, a hash: entry id -> the entry's fields, its reason and when) holds the entries
the record script refused. Replaying one stages it again as it was, under a new id: once whatever refused it is
fixed (a key of the wrong type deleted), the fan-out applies it, and the matched sets keep it from recording a
match twice. `newsctl matches dead|replay` (services/cli/matches.py) are its commands.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import redis
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from shared.dead_records import newest_first, read_record
from shared.observability.cached_reading import CachedReading
from shared.redis_client import as_text
from shared.settings import Settings
from shared.topics.keys import TopicKeys
from shared.topics.notify import ENTRY_FIELDS

CACHE_S = 5.0  # the outbox's gauges are read from Redis at most this often
# KEYS: dead list, outbox. ARGV: entry id, its record as read (replayed only if unchanged), then each field and value.
REPLAY = """
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('XADD', KEYS[2], '*', unpack(ARGV, 3))
return 1
"""


class DeadEntries:
    def __init__(self, client: redis.Redis, settings: Settings) -> None:
        self.client, self.keys = client, TopicKeys(settings)
        self._replay = client.register_script(REPLAY)

    def count(self) -> int:
        return int(self.client.hlen(self.keys.outbox_dead))

    def listing(self, limit: int = 50) -> list[dict[str, Any]]:
        """Dead entries, newest first: id, reason, when, and how many matches each holds (not the matches)."""
        items = []
        for raw_id, raw in self.client.hgetall(self.keys.outbox_dead).items():
            record = read_record(raw)
            when, matches = record.get("dead_ms"), _matches(record.get("args"))
            items.append({"id": as_text(raw_id), "reason": record.get("reason"), "dead_ms": when, "matches": matches})
        return newest_first(items, "id", limit)

    def replay(self, entry_id: str) -> bool:
        """Stage a dead entry again as it was; False if it is not in the dead list (or is not an entry to stage)."""
        raw = self.client.hget(self.keys.outbox_dead, entry_id)
        if raw is None:
            return False
        record = read_record(raw)
        if not all(name in record for name in ENTRY_FIELDS):
            return False  # not written by the indexer: nothing the fan-out could apply
        fields = [part for name in ENTRY_FIELDS for part in (name, record[name])]
        return bool(self._replay(keys=[self.keys.outbox_dead, self.keys.outbox], args=[entry_id, raw, *fields]))

    def replay_all(self) -> list[str]:
        return [as_text(entry_id) for entry_id in self.client.hkeys(self.keys.outbox_dead) if self.replay(as_text(entry_id))]


def _matches(args_json: Any) -> int | None:
    """How many matches an entry's arguments hold (its pairs of numbers), or None when they cannot be read."""
    try:
        pairs = json.loads(args_json)[7]
    except (ValueError, IndexError, TypeError):
        return None
    return len(str(pairs).split()) // 2


class OutboxCollector(Collector):
    """`newsroom_topic_outbox_entries`, `newsroom_topic_outbox_oldest_seconds` and `newsroom_topic_outbox_dead_letters`,
    read from Redis at scrape time (at most every CACHE_S): right whichever indexer is running."""

    def __init__(self, client: redis.Redis, settings: Settings) -> None:
        self.client, self.keys = client, TopicKeys(settings)
        self._reading = CachedReading(self._from_redis, CACHE_S)

    def read(self) -> tuple[int, float, int] | None:
        return self._reading.get()

    def _from_redis(self) -> tuple[int, float, int]:
        pipe = self.client.pipeline(transaction=False)
        pipe.xlen(self.keys.outbox)
        pipe.xrange(self.keys.outbox, count=1)
        pipe.hlen(self.keys.outbox_dead)
        entries, oldest, dead = pipe.execute()
        # A stream entry's id starts with the milliseconds of its XADD: the oldest one's age, without reading it.
        age = max(0.0, time.time() - int(as_text(oldest[0][0]).split("-")[0]) / 1000) if oldest else 0.0
        return int(entries), age, int(dead)

    def collect(self) -> Iterator[GaugeMetricFamily]:
        reading = self.read()
        if reading is None:
            return
        entries, age, dead = reading
        yield GaugeMetricFamily("newsroom_topic_outbox_entries", "Batches of matches staged, not yet applied.", value=entries)
        yield GaugeMetricFamily(
            "newsroom_topic_outbox_oldest_seconds", "Age of the oldest staged batch of matches (0: none).", value=age
        )
        yield GaugeMetricFamily("newsroom_topic_outbox_dead_letters", "Outbox entries in the outbox's dead list.", value=dead)
