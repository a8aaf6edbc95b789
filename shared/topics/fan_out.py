"""The matches outbox's fan-out: each batch's staged matches applied by the record script, oldest first (ADR 0035).

A thread of every indexer process (services/indexer/tasks.py starts it when the worker is ready). Several may run:
the script does nothing if its entry is gone and deletes it when done (one script: nothing runs between), so each
entry is applied once, by whichever fan-out reaches it first. An entry the script refuses for what it holds (a key of
the wrong type, a field that is not what the indexer writes) would hold every entry behind it forever: it goes to the
outbox's dead list with the reason, and the fan-out goes on. Redis unreachable or refusing writes for a while is not the entry's
fault: the fan-out waits and tries the same entry again.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

import redis
from prometheus_client import Counter, Histogram

from shared.observability.metrics import LATENCY_BUCKETS, TOPIC_MATCHES
from shared.redis_client import as_text, connect
from shared.settings import Settings
from shared.topics.keys import TopicKeys
from shared.topics.notify import MatchLog

log = logging.getLogger(__name__)
ENTRIES_PER_READ = 16  # entries read from the outbox at a time: each is applied by its own script call
WAIT_MS = 1000  # how long a fan-out blocks for a new entry before looking at its stop flag again
RETRY_S = 1.0  # after Redis failed it, before the fan-out tries again
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

    @classmethod
    def connected(cls, settings: Settings) -> FanOut:
        """A fan-out with a client of its own that waits out its blocking read (WAIT_MS) on top of REDIS_TIMEOUT_S:
        with the system's client a timeout shorter than the block would fail every wait."""
        return cls(connect(settings, blocking_s=WAIT_MS / 1000), settings)

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
        # Whatever the entry holds, even bytes that are not UTF-8, is kept: the dead list must take any entry.
        record: dict[str, Any] = {as_text(k, "replace"): as_text(v, "replace") for k, v in fields.items()}
        record |= {"reason": reason[:1000], "dead_ms": int(time.time() * 1000)}
        pipe = self.client.pipeline(transaction=True)
        pipe.hset(self.keys.outbox_dead, entry_id, json.dumps(record))
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
