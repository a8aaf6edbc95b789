"""The dead-letter list: articles that could not be processed, with the reason, kept for replay."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import redis

from shared.delivery.inflight import InFlight
from shared.delivery.retry import version_of
from shared.delivery.status import StatusStore, now_iso
from shared.observability.metrics import DEAD_LETTERED, reason_class
from shared.redis_client import as_text
from shared.settings import Settings, get_settings

log = logging.getLogger(__name__)

PUBLIC_FIELDS = ("id", "reason", "attempts", "failed_at")
REASON_MAX_CHARS = 1000
REASON_HEAD_CHARS = 300
_ELIDED = " [… {} characters left out …] "


def bounded_reason(reason: str, limit: int = REASON_MAX_CHARS) -> str:
    """`reason` within `limit` characters, its cause kept: the head says what failed (the stage, the exception or
    Elasticsearch's error type), the tail why (an exception's last words, Elasticsearch's innermost cause); a long
    middle, usually an echo of the input ("Preview of field's value: 'xxx…'"), is left out."""
    if len(reason) <= limit:
        return reason
    head = min(REASON_HEAD_CHARS, limit // 3)
    tail = limit - head - len(_ELIDED.format(len(reason)))
    return reason[:head] + _ELIDED.format(len(reason) - head - tail) + reason[len(reason) - tail :]


class DeadLetters:
    """One Redis hash (id → record) and one sorted set (id by failure time); one record per article id."""

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

    def ids(self) -> list[str]:
        return [as_text(i) for i in self.redis.zrange(self.order_key, 0, -1)]

    def list(self, limit: int = 50) -> list[dict[str, Any]]:
        """The newest `limit` records, newest first, without their payloads."""
        ids: list[bytes] = list(self.redis.zrevrange(self.order_key, 0, max(limit, 1) - 1))  # type: ignore[arg-type]
        raw = self.redis.hmget(self.items_key, ids) if ids else []
        records = [json.loads(r) for r in raw if r]
        return [{k: r[k] for k in PUBLIC_FIELDS} for r in records]

    def get(self, article_id: str) -> dict[str, Any] | None:
        raw = self.redis.hget(self.items_key, article_id)
        record: dict[str, Any] | None = json.loads(raw) if raw else None
        return record

    def remove(self, article_id: str) -> None:
        pipe = self.redis.pipeline(transaction=True)
        pipe.hdel(self.items_key, article_id)
        pipe.zrem(self.order_key, article_id)
        pipe.execute()

    def pop(self, article_id: str) -> dict[str, Any] | None:
        """Take one record out; None when it is not there."""
        record = self.get(article_id)
        if record is not None:
            self.remove(article_id)
        return record


def replay_payload(record: dict[str, Any]) -> dict[str, Any]:
    """The payload to queue again: it keeps its original version (accept time), so a replay of an old copy
    can never overwrite a newer copy of the same article that was indexed since."""
    payload = dict(record["payload"])
    payload["version_ms"] = version_of(payload)
    payload["replayed"] = True
    return payload


def dead_letter(client: redis.Redis, payload: dict[str, Any], reason: str, attempts: int) -> None:
    """Make an article final as failed, from either stage: in the dead-letter list with its reason and attempts,
    status `failed`, out of the in-flight ledger (unless a newer copy was accepted since), counted by reason. The
    reason is bounded here, for every caller, keeping its head and its cause (`bounded_reason`)."""
    reason = bounded_reason(reason)
    log.error("article %s dead-lettered after %d attempt(s): %s", payload.get("id"), attempts, reason)
    DEAD_LETTERED.labels(reason_class(reason)).inc()  # by reason class: what fails, not only how often
    DeadLetters(client).add(payload, reason, attempts)
    StatusStore(client).set(payload["id"], "failed", error=reason)
    InFlight(client).done({payload["id"]: version_of(payload)})
