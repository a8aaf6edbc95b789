"""The matches outbox's fan-out: each batch's staged matches applied by the record script, oldest first (ADR 0035).

A thread of every indexer process (services/indexer/tasks.py starts it when the worker is ready). Several may run:
the script deletes its entry before anything else and does nothing if it was gone, so each entry is applied once,
by whichever fan-out reaches it first. An entry the script refuses for what it holds (a key of the wrong type, a
field that is not what the indexer writes) would hold every entry behind it forever: it goes to the outbox's dead
list with the reason, and the fan-out goes on. Redis unreachable or refusing writes for a while is not the entry's
fault: the fan-out waits and tries the same entry again.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

import redis
from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from shared.observability.metrics import LATENCY_BUCKETS, TOPIC_MATCHES
from shared.settings import Settings
from shared.topics.keys import TopicKeys
from shared.topics.notify import MatchLog, as_text

log = logging.getLogger(__name__)
ENTRIES_PER_READ = 16  # entries read from the outbox at a time: each is applied by its own script call
WAIT_MS = 1000  # how long a fan-out blocks for a new entry before looking at its stop flag again
RETRY_S = 1.0  # after Redis failed it, before the fan-out tries again
CACHE_S = 5.0  # the outbox's gauges are read from Redis at most this often
# Errors Redis answers for its own state, not for the entry: the same entry is tried again once Redis is well.
TRANSIENT = ("OOM", "READONLY", "BUSY", "MASTERDOWN", "LOADING", "TRYAGAIN", "NOREPLICAS", "CLUSTERDOWN")

APPLIED = Histogram(
    "newsroom_topic_outbox_apply_seconds",
    "Seconds the fan-out took to apply one outbox entry (one batch's matches: events, deliveries) with the record script.",
    buckets=LATENCY_BUCKETS,
)
DEAD = Counter("newsroom_topic_outbox_dead_total", "Outbox entries the record script refused, moved to the outbox's dead list.")


class FanOut:
    def __init__(self, client: redis.Redis, settings: Settings, stop: threading.Event | None = None) -> None:
        self.client, self.keys = client, TopicKeys(settings)
        self.log = MatchLog(client, settings)
        self.stop = stop or threading.Event()

    def drain(self) -> int:
        """Apply every entry in the outbox, oldest first: how many this fan-out applied."""
        applied = 0
        while not self.stop.is_set():
            entries = self.client.xrange(self.keys.outbox, count=ENTRIES_PER_READ)
            if not entries:
                break
            for entry_id, fields in entries:
                applied += self.apply(as_text(entry_id), fields)
        return applied

    def apply(self, entry_id: str, fields: Any) -> int:
        """1 when this call applied the entry; 0 when another fan-out had, or it went to the dead list."""
        started = time.perf_counter()
        try:
            added = self.log.apply(entry_id, fields)
        except redis.ResponseError as exc:
            if str(exc).startswith(TRANSIENT):
                raise
            return self._dead(entry_id, fields, f"{type(exc).__name__}: {exc}")
        except (ValueError, KeyError, TypeError) as exc:  # not an entry the indexer wrote
            return self._dead(entry_id, fields, f"unreadable entry: {type(exc).__name__}: {exc}")
        if added is None:
            return 0
        TOPIC_MATCHES.inc(added)
        APPLIED.observe(time.perf_counter() - started)
        return 1

    def _dead(self, entry_id: str, fields: Any, reason: str) -> int:
        log.error("outbox entry %s refused (%s): moved to the outbox's dead list", entry_id, reason[:300])
        record = {"id": entry_id, "reason": reason[:1000], "at": time.time()}
        record |= {as_text(name): as_text(value) for name, value in fields.items()}
        pipe = self.client.pipeline(transaction=True)
        pipe.lpush(self.keys.outbox_dead, json.dumps(record))
        pipe.xdel(self.keys.outbox, entry_id)
        pipe.execute()
        DEAD.inc()
        return 0

    def run(self) -> None:
        """Until `stop`: drain the outbox, then block until an entry comes (or WAIT_MS passed)."""
        log.info("matches outbox fan-out started")
        while not self.stop.is_set():
            try:
                if not self.drain():
                    self.client.xread({self.keys.outbox: "0-0"}, count=1, block=WAIT_MS)
            except redis.RedisError as exc:
                log.warning("matches outbox fan-out: %s; trying again in %.0f s", exc, RETRY_S)
                self.stop.wait(RETRY_S)
            except Exception:  # the thread must outlive anything: a dead fan-out stalls every topic
                log.exception("matches outbox fan-out failed; trying again in %.0f s", RETRY_S)
                self.stop.wait(RETRY_S)

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="outbox-fan-out", daemon=True)
        thread.start()
        return thread


class OutboxCollector(Collector):
    """`newsroom_topic_outbox_entries`, `newsroom_topic_outbox_oldest_seconds` and `newsroom_topic_outbox_dead_letters`,
    read from Redis at scrape time (at most every CACHE_S): right whichever indexer is running."""

    def __init__(self, client: redis.Redis, settings: Settings) -> None:
        self.client, self.keys = client, TopicKeys(settings)
        self._lock = threading.Lock()
        self._read_at = 0.0
        self._cached: tuple[int, float, int] | None = None

    def read(self) -> tuple[int, float, int] | None:
        with self._lock:
            if self._cached is None or time.monotonic() - self._read_at > CACHE_S:
                try:
                    self._cached = self._from_redis()
                except redis.RedisError:
                    self._cached = None  # Redis away: newsroom_dependency_up says so; no stale numbers
                    return None
                self._read_at = time.monotonic()
            return self._cached

    def _from_redis(self) -> tuple[int, float, int]:
        pipe = self.client.pipeline(transaction=False)
        pipe.xlen(self.keys.outbox)
        pipe.xrange(self.keys.outbox, count=1)
        pipe.llen(self.keys.outbox_dead)
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
