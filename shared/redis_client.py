"""Every Redis client of the system, with one set of timeouts (REDIS_TIMEOUT_S, REDIS_CONNECT_TIMEOUT_S).

The services' and consumers' clients (`connect`), the Celery broker's connections and the rate limiters' storage
(`options`) wait the same time for Redis: one that stops answering is noticed within REDIS_TIMEOUT_S everywhere, and
each caller does what it does when Redis is away (the ingest service answers 503, a task is requeued, a rate limit
counts in memory). Only a client that sends blocking commands waits longer, by exactly its longest block
(`blocking_s`: the search service's topic event streams and the indexer's matches fan-out block on XREAD); the
broker's BRPOP asks Redis to answer within a second, and a backup's BGSAVE returns at once and is then polled.
"""

from __future__ import annotations

from typing import Any

import redis

from shared.settings import Settings, get_settings


def as_text(value: Any, errors: str = "strict") -> str:
    """A Redis answer as str, whether the client decodes answers or not."""
    return value.decode(errors=errors) if isinstance(value, bytes) else str(value)


def options(settings: Settings | None = None) -> dict[str, Any]:
    """The timeouts as redis-py (and kombu's transport, and the limits library) take them."""
    settings = settings or get_settings()
    return {"socket_timeout": settings.redis_timeout_s, "socket_connect_timeout": settings.redis_connect_timeout_s}


def connect(settings: Settings | None = None, blocking_s: float = 0.0, decode_responses: bool = False) -> redis.Redis:
    """A client of REDIS_URL with the system's timeouts (it connects on its first command); one whose commands may
    block for up to `blocking_s` waits that much longer for an answer."""
    settings = settings or get_settings()
    timeouts = options(settings)
    timeouts["socket_timeout"] += blocking_s
    return redis.Redis.from_url(settings.redis_url, decode_responses=decode_responses, **timeouts)
