"""A gauge family's numbers read from Redis at scrape time, at most every `ttl_s`, so that Prometheus and a dashboard
scraping together, or often, cost Redis one read. Redis away: no numbers at all (newsroom_dependency_up says so),
never stale ones."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

import redis

T = TypeVar("T")


class CachedReading(Generic[T]):
    def __init__(self, read: Callable[[], T], ttl_s: float = 5.0) -> None:
        self._read, self._ttl_s = read, ttl_s
        self._lock = threading.Lock()
        self._read_at = 0.0
        self._cached: T | None = None

    def get(self) -> T | None:
        with self._lock:
            if self._cached is None or time.monotonic() - self._read_at > self._ttl_s:
                try:
                    self._cached = self._read()
                except redis.RedisError:
                    self._cached = None
                    return None
                self._read_at = time.monotonic()
            return self._cached
