"""Slots per client, capped in Redis across gunicorn workers: points in time (SEARCH_PIT_MAX_PER_CLIENT open at once per
API key, without keys per address) and SSE connections to topic events (TOPIC_STREAMS_PER_CLIENT, topic_events.py).

Each relevance-ordered first page asks for a slot before it opens a point in time; each event stream before it
starts. The slots of one client are a Redis sorted set (member: a random slot id, score: when it lapses), so every
gunicorn worker counts the same ones; a slot lapses after its keep-alive unless its holder renews it, and is given
back when the holder is done (the last page closes the point in time, the stream ends). Only a hash of the client's
name or address is kept. When the cap is reached (or Redis cannot count) a search pages without a point in time; an
event stream is refused.
"""

from __future__ import annotations

import hashlib
import secrets

import redis

_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])) + 1)
return 1
"""
_RENEW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
if redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[1]), ARGV[2]) == 1 then
  redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[1])) + 1)
end
return 1
"""


class ClientSlots:
    def __init__(self, client: redis.Redis, prefix: str, cap: int, keep_alive_s: float):
        self.redis, self.prefix, self.cap, self.keep_alive_s = client, prefix, cap, keep_alive_s
        self._take = client.register_script(_TAKE)
        self._renew = client.register_script(_RENEW)

    def _key(self, owner: str) -> str:
        return f"{self.prefix}:{owner}"

    @staticmethod
    def owner_of(client_id: str) -> str:
        return hashlib.sha256(client_id.encode()).hexdigest()[:16]

    def take(self, client_id: str) -> str | None:
        """A slot (`<owner>.<id>`) for one more holder (point in time, stream) of this client, or None at the cap."""
        owner, slot = self.owner_of(client_id), secrets.token_hex(8)
        taken = self._take(keys=[self._key(owner)], args=[self.cap, self.keep_alive_s, slot])
        return f"{owner}.{slot}" if taken == 1 else None

    def renew(self, slot: str) -> None:
        """The holder is still there: its slot lapses a keep-alive from now (a lapsed slot stays given back)."""
        owner, _, member = slot.partition(".")
        self._renew(keys=[self._key(owner)], args=[self.keep_alive_s, member])

    def release(self, slot: str) -> None:
        owner, _, member = slot.partition(".")
        self.redis.zrem(self._key(owner), member)

    def held(self, client_id: str) -> int:
        """Slots this client holds now (lapsed ones included until the next take sweeps them)."""
        return int(self.redis.zcard(self._key(self.owner_of(client_id))))


PitSlots = ClientSlots  # the name its first users (the search's points in time) know it by
