"""The health of each webhook endpoint (a webhook URL): its failure streak, its pause, its probe; and its backlog.

`WebhookKeys.endpoint(url)` is a hash: `failures` (consecutive failed attempts), `pauses` (pauses in a row),
`paused_until` and `probe_until` (epoch seconds), `last_error`. It expires once unused for the give-up window plus
the longest pause, and a success deletes it.

Before each attempt the deliverer asks `gate`: `send`; `paused` until a time (the delivery is pushed there without an
attempt); or `probe` once a pause is over: one delivery goes (`probe_until`: its lease), the endpoint's others look
again every two seconds or so until it is answered. A success resets everything; `WEBHOOK_PAUSE_AFTER` failures
in a row, or a failed probe, start the next pause (shared/webhooks/policy.py). Failures of attempts already under
way when a pause starts do not lengthen it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import redis

from shared.settings import Settings
from shared.topics.keys import WebhookKeys, endpoint_key
from shared.webhooks.policy import first_pause_s, lease_s

# KEYS: endpoint. ARGV: now, pause_after, probe ends, look again in. -> {verdict, until}
GATE = """
local state = redis.call('HMGET', KEYS[1], 'failures', 'paused_until', 'probe_until')
local now = tonumber(ARGV[1])
local paused = tonumber(state[2]) or 0
if now < paused then return {'paused', state[2]} end
if (tonumber(state[1]) or 0) < tonumber(ARGV[2]) then return {'send', '0'} end
local probe = tonumber(state[3]) or 0
if now < probe then return {'paused', string.format('%.3f', math.min(probe, now + tonumber(ARGV[4])))} end
redis.call('HSET', KEYS[1], 'probe_until', ARGV[3])
return {'probe', ARGV[3]}
"""
# KEYS: endpoint. ARGV: now, pause_after, first pause, longest pause, error, ttl. -> paused until (0: not paused)
FAILED = """
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
redis.call('HSET', KEYS[1], 'last_error', ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[6])
local now = tonumber(ARGV[1])
if now < (tonumber(redis.call('HGET', KEYS[1], 'paused_until')) or 0) then return '0' end
if failures < tonumber(ARGV[2]) then return '0' end
local n = redis.call('HINCRBY', KEYS[1], 'pauses', 1)
local ends = now + math.min(tonumber(ARGV[4]), tonumber(ARGV[3]) * 2 ^ math.min(n - 1, 60))
redis.call('HSET', KEYS[1], 'paused_until', string.format('%.3f', ends))
redis.call('HDEL', KEYS[1], 'probe_until')
return string.format('%.3f', ends)
"""


@dataclass(frozen=True)
class Gate:
    verdict: str  # send | probe | paused
    until: float = 0.0  # paused: when the delivery may go


class Endpoints:
    def __init__(self, client: redis.Redis, settings: Settings) -> None:
        self.redis, self.settings, self.keys = client, settings, WebhookKeys(settings)
        self._gate = client.register_script(GATE)
        self._failed = client.register_script(FAILED)

    def gate(self, url: str, now: float) -> Gate:
        """May a delivery to `url` be attempted now? While a probe is out, the others look again every few seconds
        (at most until the probe's lease ends), so that the backlog flows soon after the probe's 2xx."""
        ends = round(now + lease_s(self.settings), 3)
        again = max(0.5, min(2.0, self.settings.webhook_timeout_s))
        args = [now, self.settings.webhook_pause_after, ends, again]
        verdict, until = self._gate(keys=[self.keys.endpoint(url)], args=args)
        return Gate(_text(verdict), float(until))

    def succeeded(self, url: str) -> None:
        self.redis.delete(self.keys.endpoint(url))

    def failed(self, url: str, now: float, error: str) -> float:
        """Count a failure; returns when the pause it started ends (0: none started)."""
        s = self.settings
        ttl = int(s.webhook_give_up_after_s + s.webhook_pause_max_s) + 60
        args: list[str | int | float] = [now, s.webhook_pause_after, first_pause_s(s), s.webhook_pause_max_s, error[:500], ttl]
        return float(self._failed(keys=[self.keys.endpoint(url)], args=args))

    def state(self, url: str) -> dict[str, str]:
        return {_text(k): _text(v) for k, v in self.redis.hgetall(self.keys.endpoint(url)).items()}


def backlog(client: redis.Redis, settings: Settings) -> dict[str, int]:
    """Pending deliveries per endpoint key (due, leased or waiting out a backoff or a pause): one pass over the
    outbox hash, reading only each record's URL. The outbox holds what is not yet delivered, so it stays small
    unless an endpoint is failing, which is when this is worth reading."""
    counts: Counter[str] = Counter()
    for _, raw in client.hscan_iter(WebhookKeys(settings).deliveries, count=1000):
        try:
            url = json.loads(raw).get("url") or ""
        except (ValueError, AttributeError):
            url = ""
        counts[endpoint_key(str(url))] += 1
    return dict(counts)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
