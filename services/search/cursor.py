"""The opaque `cursor`: where the last page ended (search_after values), and the point in time of a relevance order.

Results sorted by date page with `search_after` on (published_at, id): a stable, unique order, so
articles arriving meanwhile are never repeated or skipped (they land before the cursor and are
not shown, or after it and are). Relevance scores change as articles arrive (term statistics
move), so a relevance-ordered list pages inside a point in time (PIT) opened for its first page.

A cursor is `<payload>.<mac>`: base64url JSON and its HMAC-SHA256 under SEARCH_CURSOR_SECRET (and under
the name of the API key it was given to, when keys are configured). Nothing in it is used unless this
service wrote it: a client cannot point it at another point in time, change how many hits it has seen,
use another partner's cursor or keep one past its expiry (docs/adr/0006-signed-cursors-and-capped-pits.md).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import redis

from shared.es.queries import SearchParams
from shared.settings import Settings
from shared.web.service import ApiError

MAX_CURSOR = 4096
MAC_BYTES = 16  # 128 bits of HMAC-SHA256: far past guessing, 22 characters of cursor
MIN_SECRET = 16
_DURATION = re.compile(r"^(\d+)(d|h|m|s|ms)$")
_UNIT_S = {"d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


@dataclass(frozen=True)
class Cursor:
    after: list[Any]
    pit: str | None = None
    seen: int = 0  # hits on the pages before this one
    now: str | None = None  # the recency origin of the first page: scores must not drift between pages
    slot: str | None = None  # the point in time's place in its client's cap (services/search/pits.py)


def _bad(message: str = "not a cursor this service gave out for this search: search again") -> ApiError:
    return ApiError(400, "invalid_parameter", message, "cursor")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def fingerprint(params: SearchParams) -> str:
    """What a cursor is only valid with: the query text and sort order (filters may change between pages)."""
    return hashlib.sha256(f"{params.sort}\x00{params.q}".encode()).hexdigest()[:12]


def duration_s(text: str) -> float:
    """An Elasticsearch time value (`3m`, `90s`, `500ms`, `1h`, `1d`) in seconds."""
    match = _DURATION.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a duration such as 3m, 90s or 500ms")
    return int(match.group(1)) * _UNIT_S[match.group(2)]


@dataclass(frozen=True)
class CursorCodec:
    """Writes and checks cursors under one secret, for one API key (`bound_to`, "" without keys)."""

    secret: bytes
    bound_to: str = ""
    ttl_s: float = 3600.0
    clock: Callable[[], float] = field(default=time.time)

    def _mac(self, payload: str) -> bytes:
        message = f"cursor/1\x00{self.bound_to}\x00{payload}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).digest()[:MAC_BYTES]

    def encode(
        self,
        after: list[Any],
        params: SearchParams,
        pit: str | None = None,
        seen: int = 0,
        slot: str | None = None,
        ttl_s: float | None = None,
    ) -> str:
        """The next page's cursor, usable for `ttl_s` (default: the codec's) from now."""
        now = params.now.isoformat() if params.now else None
        expires = int(self.clock() + (self.ttl_s if ttl_s is None else min(ttl_s, self.ttl_s)))
        body = {"a": after, "p": pit, "s": slot, "n": seen, "t": now, "f": fingerprint(params), "e": expires}
        payload = _b64(json.dumps(body, separators=(",", ":")).encode())
        return f"{payload}.{_b64(self._mac(payload))}"

    def decode(self, cursor: str, params: SearchParams) -> Cursor:
        if len(cursor) > MAX_CURSOR or cursor.count(".") != 1:
            raise _bad()
        payload, mac = cursor.split(".")
        try:
            genuine = hmac.compare_digest(_unb64(mac), self._mac(payload))
        except (binascii.Error, ValueError) as exc:
            raise _bad() from exc
        if not genuine:
            raise _bad()
        # From here on the payload is one this service wrote: its shape is ours.
        body = json.loads(_unb64(payload))
        if body["f"] != fingerprint(params):
            raise _bad("this cursor belongs to another query or sort order: search again")
        if body["e"] < self.clock():
            raise _bad("this cursor has expired: search again")
        return Cursor(body["a"], body["p"], body["n"], body["t"], body["s"])


def cursor_secret(settings: Settings, client: redis.Redis) -> bytes:
    """SEARCH_CURSOR_SECRET, or the one kept in Redis: the first worker to ask creates it (SET NX), so every worker
    of every host on this Redis, and every restart, signs and checks with the same key."""
    if settings.search_cursor_secret:
        if len(settings.search_cursor_secret) < MIN_SECRET:
            raise ValueError(f"SEARCH_CURSOR_SECRET needs at least {MIN_SECRET} characters")
        return settings.search_cursor_secret.encode()
    key = settings.redis_key("search", "cursor-secret")
    client.set(key, secrets.token_hex(32), nx=True)
    stored = client.get(key)
    if not isinstance(stored, bytes):
        raise redis.RedisError("the cursor secret vanished from Redis")
    return stored
