"""The dead-letter list: articles that could not be processed, with the reason, kept for replay."""

from __future__ import annotations

import json
import time
from typing import Any

import redis

from shared.settings import Settings, get_settings
from shared.status import now_iso


class DeadLetters:
    def __init__(self, client: redis.Redis, settings: Settings | None = None) -> None:
        self.redis = client
        self.settings = settings or get_settings()
        self.items_key = self.settings.redis_key("dead", "items")
        self.order_key = self.settings.redis_key("dead", "order")

    def add(self, payload: dict[str, Any], reason: str, attempts: int) -> None:
        record = {"id": payload["id"], "reason": reason, "attempts": attempts, "failed_at": now_iso(), "payload": payload}
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(self.items_key, payload["id"], json.dumps(record))
        pipe.zadd(self.order_key, {payload["id"]: time.time()})
        pipe.execute()

    def total(self) -> int:
        return int(self.redis.zcard(self.order_key))

    def list(self, limit: int = 50) -> list[dict[str, Any]]:
        ids: list[bytes] = list(self.redis.zrevrange(self.order_key, 0, max(limit, 1) - 1))  # type: ignore[arg-type]
        raw = self.redis.hmget(self.items_key, ids) if ids else []
        records = [json.loads(r) for r in raw if r]
        return [{k: r[k] for k in ("id", "reason", "attempts", "failed_at")} for r in records]

    def pop(self, article_id: str) -> dict[str, Any] | None:
        """Take one record out (for replay); None when it is not there."""
        raw = self.redis.hget(self.items_key, article_id)
        if raw is None:
            return None
        pipe = self.redis.pipeline(transaction=True)
        pipe.hdel(self.items_key, article_id)
        pipe.zrem(self.order_key, article_id)
        pipe.execute()
        record: dict[str, Any] = json.loads(raw)
        return record
