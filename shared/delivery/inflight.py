"""The in-flight ledger: every accepted article that has not yet reached a final state, kept in Redis.

A Celery message can be lost between Redis and a worker (kombu's Redis transport takes it off the queue
with BRPOP and records it as unacknowledged in a second command: Redis killed between the two loses it).
The ledger keeps the accepted payload until the article is indexed, superseded or dead-lettered, so the
sweeper (services/worker/sweeper.py) can send again what stopped making progress. README "Guarantees".

Four keys under `<namespace>:inflight:`: `payloads` (hash id → payload JSON), `versions` (hash id → the
version, i.e. accept time in ms), `sent` (sorted set id → last (re)send or sign of progress, epoch s) and
`resends` (hash id → times the sweeper sent it again). Only the newest accepted copy of an article is
kept: an older copy (a dead-letter replay) never replaces a newer one, and an older copy finishing never
removes a newer one's entry. Both rules are Lua scripts, so they hold against concurrent writers.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Mapping
from typing import Any

import redis

from shared.delivery.retry import version_of
from shared.settings import Settings, get_settings

# KEYS: payloads, versions, sent, resends. ARGV: id, version, payload JSON, now.
ADD = """
local stored = tonumber(redis.call('HGET', KEYS[2], ARGV[1]))
if stored and stored > tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
return 1
"""
# KEYS: as ADD. ARGV: id, version, id, version, ... Removes each entry whose stored version is not newer.
DONE = """
local removed = 0
for i = 1, #ARGV, 2 do
  local stored = tonumber(redis.call('HGET', KEYS[2], ARGV[i]))
  if stored and stored <= tonumber(ARGV[i + 1]) then
    redis.call('HDEL', KEYS[1], ARGV[i])
    redis.call('HDEL', KEYS[2], ARGV[i])
    redis.call('ZREM', KEYS[3], ARGV[i])
    redis.call('HDEL', KEYS[4], ARGV[i])
    removed = removed + 1
  end
end
return removed
"""
# KEYS: sent, resends, versions. ARGV: id, now. Counts one re-send of an entry that is still there.
RESENT = """
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
"""


class InFlight:
    def __init__(self, client: redis.Redis, settings: Settings | None = None) -> None:
        self.redis = client
        self.settings = settings or get_settings()
        self.keys = [self.settings.redis_key("inflight", part) for part in ("payloads", "versions", "sent", "resends")]
        # EVALSHA, not EVAL: a batch of 1,000 articles would otherwise send the script's text 1,000 times.
        self._add, self._done, self._resent = (client.register_script(s) for s in (ADD, DONE, RESENT))

    def add(self, payload: dict[str, Any], pipe: Any = None) -> None:
        """Record an accepted article (unless a newer copy is recorded); with `pipe`, only queued there."""
        args = [payload["id"], version_of(payload), json.dumps(payload), time.time()]
        self._add(keys=self.keys, args=args, client=pipe or self.redis)

    def done(self, finished: Mapping[str, int], pipe: Any = None) -> None:
        """Forget articles that reached a final state (id → the version that did): an entry of a newer copy stays."""
        if finished:
            args = [x for article_id, version in finished.items() for x in (article_id, version)]
            self._done(keys=self.keys, args=args, client=pipe or self.redis)

    def touch(self, article_id: str, pipe: Any = None) -> None:
        """A sign of progress (a worker started on it): the sweeper waits SWEEP_AFTER_S from now. Never creates an entry."""
        (pipe or self.redis).zadd(self.keys[2], {article_id: time.time()}, xx=True)

    def resent(self, article_id: str) -> int:
        """Count one re-send (and touch): how many times the sweeper has sent it again; 0 when it is gone."""
        return int(self._resent(keys=[self.keys[2], self.keys[3], self.keys[1]], args=[article_id, time.time()]))

    def resends(self, article_id: str) -> int:
        return int(self.redis.hget(self.keys[3], article_id) or 0)

    def due(self, older_than_s: float, limit: int) -> list[dict[str, Any]]:
        """Payloads, oldest first, whose last send (or sign of progress) is more than `older_than_s` ago."""
        ids: list[bytes] = list(self.redis.zrangebyscore(self.keys[2], "-inf", time.time() - older_than_s, start=0, num=limit))  # type: ignore[arg-type]
        raw = self.redis.hmget(self.keys[0], ids) if ids else []
        return [json.loads(r) for r in raw if r]

    def version(self, article_id: str) -> int | None:
        stored = self.redis.hget(self.keys[1], article_id)
        return int(stored) if stored is not None else None

    def size(self) -> int:
        return int(self.redis.zcard(self.keys[2]))


def forget(ledger: InFlight, payloads: list[dict[str, Any]]) -> None:
    """Best effort after a failed send (the caller answers an error): a leftover entry only costs a harmless re-send."""
    with contextlib.suppress(redis.RedisError):
        ledger.done({p["id"]: version_of(p) for p in payloads})
