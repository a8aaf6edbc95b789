"""Where each article stands (`queued` → `processing` → `indexed` | `duplicate` | `failed`), kept in Redis."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import redis

from shared.settings import Settings, get_settings

FINAL_STATUSES = ("indexed", "duplicate", "failed")


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class StatusStore:
    def __init__(self, client: redis.Redis, settings: Settings | None = None) -> None:
        self.redis = client
        self.settings = settings or get_settings()

    def key(self, article_id: str) -> str:
        return self.settings.redis_key("status", article_id)

    def set(
        self, article_id: str, status: str, error: str | None = None, duplicate_of: str | None = None, pipe: Any = None
    ) -> None:
        """Write one status; with `pipe` (a Redis pipeline) it is only queued there, for many statuses in one round trip."""
        record = {"id": article_id, "status": status, "error": error, "updated_at": now_iso()}
        if duplicate_of:
            record["duplicate_of"] = duplicate_of
        (pipe or self.redis).set(self.key(article_id), json.dumps(record), ex=self.settings.status_ttl_s)

    def get(self, article_id: str) -> dict[str, Any] | None:
        raw = self.redis.get(self.key(article_id))
        return json.loads(raw) if raw else None

    def get_many(self, article_ids: list[str]) -> dict[str, dict[str, Any]]:
        """The statuses of several articles in one round trip (those without one left out)."""
        raw = self.redis.mget([self.key(i) for i in article_ids]) if article_ids else []
        return self.decode_many(article_ids, raw)

    @staticmethod
    def decode_many(article_ids: list[str], raw: list[Any]) -> dict[str, dict[str, Any]]:
        """What an MGET of `article_ids`' keys answered, as `get_many` returns it (for an MGET in a pipeline)."""
        return {i: json.loads(r) for i, r in zip(article_ids, raw, strict=True) if r}
