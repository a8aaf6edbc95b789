"""The webhook outbox in Redis: claiming due deliveries under a lease, settling them, the dead list and replay.

Keys (shared/topics/keys.py, `WebhookKeys`):
- `deliveries` hash, delivery id -> JSON record written by the indexer (shared/topics/notify.py): `id` (the
  `webhook-id`), `topic_id`, `url`, `body` (the exact text posted), `accepted_ms`, `created_ms`, `attempts`. The
  deliverer adds `first_attempt_ms`, `last_attempt_ms`, `last_status`, `last_error`.
- `due` sorted set, delivery id -> epoch seconds when it is next due. Claiming moves the score of what it takes to
  now + the lease (policy.lease_s), so a deliverer killed mid-POST leaves its deliveries due again after the lease:
  at-least-once. That score is also the claim's fence: a failure is written only while the score is still the
  lease this deliverer took (a slower twin whose lease ran out writes nothing).
- `wake` list: the indexer pushes one element per batch that made deliveries; the deliverer blocks on it for at most a second.
- `dead` hash, delivery id -> JSON record plus `reason` and `dead_ms`: deliveries given up. A replay moves one back
  into `deliveries` and `due` under the same id, attempts reset.

A record leaves `deliveries` only on a 2xx (`complete`), into the dead list (`dead_letter`) or when its topic is
gone or has no webhook any more (`drop`): a delivery is never lost, and the give-up window bounds its retries.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import redis

from shared.dead_records import newest_first, read_record
from shared.redis_client import as_text
from shared.settings import Settings
from shared.topics.keys import WebhookKeys

CLAIM = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(ids) do
  local record = redis.call('HGET', KEYS[2], id)
  if record then
    redis.call('ZADD', KEYS[1], ARGV[2], id)
    out[#out + 1] = id
    out[#out + 1] = record
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
"""
# KEYS: deliveries, due. ARGV: id, lease, record ('' keeps it), next due. Only while the lease is still ours.
RESCHEDULE = """
local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
if not score or math.abs(tonumber(score) - tonumber(ARGV[2])) > 0.001 then return 0 end
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) end
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
return 1
"""
# KEYS: deliveries, due, dead. ARGV: id, lease, dead record.
DEAD_LETTER = """
local score = redis.call('ZSCORE', KEYS[2], ARGV[1])
if not score or math.abs(tonumber(score) - tonumber(ARGV[2])) > 0.001 then return 0 end
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
return 1
"""
# KEYS: dead, deliveries, due, wake. ARGV: id, the dead record as read, the record to deliver, now.
REPLAY = """
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
redis.call('LPUSH', KEYS[4], '1')
return 1
"""
DELIVERY_FIELDS = ("first_attempt_ms", "last_attempt_ms", "last_status", "last_error")


@dataclass
class Delivery:
    """One claimed delivery: its id, its record, and the lease (the `due` score) it was claimed under."""

    id: str
    record: dict[str, Any]
    lease: float
    claimed_at: float = field(default_factory=time.time)

    @property
    def url(self) -> str:
        return str(self.record.get("url") or "")

    @property
    def started_ms(self) -> int:
        """Where its give-up clock starts: its first attempt; if never attempted, its replay or its creation."""
        record = self.record
        return int(record.get("first_attempt_ms") or record.get("replayed_ms") or record.get("created_ms") or 0)


class Outbox:
    def __init__(self, client: redis.Redis, settings: Settings) -> None:
        self.redis, self.settings, self.keys = client, settings, WebhookKeys(settings)
        self._claim = client.register_script(CLAIM)
        self._reschedule = client.register_script(RESCHEDULE)
        self._dead_letter = client.register_script(DEAD_LETTER)
        self._replay = client.register_script(REPLAY)

    # --- the deliverer's side ------------------------------------------------------------------------
    def claim(self, now: float, limit: int, lease_s: float) -> list[Delivery]:
        """Up to `limit` deliveries due by `now`, each now leased until now + `lease_s`."""
        lease = round(now + lease_s, 3)
        flat = self._claim(keys=[self.keys.due, self.keys.deliveries], args=[now, lease, limit])
        claimed = []
        for raw_id, raw in zip(flat[::2], flat[1::2], strict=True):
            delivery_id = as_text(raw_id)
            try:
                record = json.loads(raw)
            except ValueError:
                record = {"id": delivery_id, "unreadable": as_text(raw)[:200]}
            claimed.append(Delivery(delivery_id, record, lease))
        return claimed

    def wait(self, timeout_s: float) -> None:
        """Block until the indexer signals a new delivery or `timeout_s` passes; signals are taken all at once."""
        if self.redis.blpop([self.keys.wake], timeout=max(0.01, timeout_s)):
            self.redis.delete(self.keys.wake)

    def next_due_in(self, now: float) -> float | None:
        """Seconds until the earliest delivery is due (0 if one is), None when there is none."""
        first = self.redis.zrange(self.keys.due, 0, 0, withscores=True)
        return max(0.0, float(first[0][1]) - now) if first else None

    def complete(self, delivery_id: str) -> None:
        """Delivered (a 2xx) or dropped (its topic is gone): the record leaves the outbox."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.hdel(self.keys.deliveries, delivery_id)
        pipe.zrem(self.keys.due, delivery_id)
        pipe.execute()

    drop = complete

    def reschedule(self, delivery: Delivery, due: float, record: dict[str, Any] | None = None) -> bool:
        """Due again at `due` (a failure's backoff, a paused endpoint's end); False when the lease is no longer ours."""
        text = json.dumps(record, ensure_ascii=False) if record is not None else ""
        done = self._reschedule(keys=[self.keys.deliveries, self.keys.due], args=[delivery.id, delivery.lease, text, due])
        return bool(done)

    def dead_letter(self, delivery: Delivery, record: dict[str, Any], reason: str, now_ms: int) -> bool:
        dead = {**record, "reason": reason, "dead_ms": now_ms}
        text = json.dumps(dead, ensure_ascii=False)
        done = self._dead_letter(
            keys=[self.keys.deliveries, self.keys.due, self.keys.dead], args=[delivery.id, delivery.lease, text]
        )
        return bool(done)

    # --- operators: the dead list ---------------------------------------------------------------------
    def dead(self, limit: int = 100) -> list[dict[str, Any]]:
        """Dead-lettered deliveries, the newest first, without their bodies (`body_bytes` says how long each is)."""
        items = []
        for raw_id, raw in self.redis.hgetall(self.keys.dead).items():
            record = read_record(raw)
            body = record.pop("body", "")
            items.append({**record, "delivery_id": as_text(raw_id), "body_bytes": len(str(body).encode())})
        return newest_first(items, "delivery_id", limit)

    def dead_count(self) -> int:
        return int(self.redis.hlen(self.keys.dead))

    def replay(self, delivery_id: str, now: float | None = None) -> bool:
        """Back to the outbox under the same id, due now, its attempts and give-up clock reset; False if not dead."""
        raw = self.redis.hget(self.keys.dead, delivery_id)
        if raw is None:
            return False
        record = json.loads(raw)
        for name in ("reason", "dead_ms", *DELIVERY_FIELDS):
            record.pop(name, None)
        record["attempts"] = 0
        record["replayed_ms"] = int((now or time.time()) * 1000)
        text = json.dumps(record, ensure_ascii=False)
        keys = [self.keys.dead, self.keys.deliveries, self.keys.due, self.keys.wake]
        return bool(self._replay(keys=keys, args=[delivery_id, raw, text, now or time.time()]))

    def replay_all(self, now: float | None = None) -> list[str]:
        ids = [as_text(delivery_id) for delivery_id in self.redis.hkeys(self.keys.dead)]
        return [delivery_id for delivery_id in ids if self.replay(delivery_id, now)]
