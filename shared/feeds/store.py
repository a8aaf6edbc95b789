"""Feed subscriptions in Redis: one JSON record per feed, a schedule of when each is due, the entries seen.

Keys (all under the namespace): `feeds` (hash id → record), `feeds:due` (sorted set id → next poll,
epoch seconds), `feeds:seen:<id>` (sorted set of article ids already queued, the newest `FEED_SEEN_MAX`),
`feeds:lock:<id>` (held while a poll of that feed runs, so two polls never overlap).
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

import redis
from redis.lock import Lock

from shared.articles.ids import canonical_url
from shared.delivery.status import now_iso
from shared.redis_client import as_text
from shared.settings import Settings, get_settings


def feed_id(url: str, owner: str | None = None) -> str:
    """The same feed URL (canonically) is the same subscription of the same owner (an ingest API key's name; None
    without keys): two keys subscribing one URL have a feed each, and neither learns of the other's."""
    scope = f"feed:{owner}:" if owner else "feed:"
    return hashlib.sha256((scope + canonical_url(url)).encode()).hexdigest()[:16]


class FeedStore:
    def __init__(self, client: redis.Redis, settings: Settings | None = None) -> None:
        self.redis = client
        self.settings = settings or get_settings()
        self.records_key = self.settings.redis_key("feeds")
        self.due_key = self.settings.redis_key("feeds", "due")

    def seen_key(self, fid: str) -> str:
        return self.settings.redis_key("feeds", "seen", fid)

    def add(
        self, url: str, interval_s: int, source: str | None, fetch_pages: bool, owner: str | None = None
    ) -> tuple[dict[str, Any], bool]:
        """(record, created). Subscribing to a known URL again updates its interval, source and page fetching."""
        fid = feed_id(url, owner)
        record = self.get(fid)
        created = record is None
        record = record or {
            "id": fid,
            "url": url,
            "owner": owner,
            "created_at": now_iso(),
            "last_poll_at": None,
            "last_status": "new",
            "last_error": None,
            "failures": 0,
            "failing": False,
            "polls": 0,
            "items_seen": 0,
            "etag": None,
            "last_modified": None,
        }
        record.update(interval_s=interval_s, source=source, fetch_pages=fetch_pages)
        self.save(record)
        if created:
            self.schedule(fid, time.time())
        return self.public(record), created

    def save(self, record: dict[str, Any]) -> None:
        self.redis.hset(self.records_key, record["id"], json.dumps(record))

    def get(self, fid: str) -> dict[str, Any] | None:
        raw = self.redis.hget(self.records_key, fid)
        return json.loads(raw) if raw else None

    def public(self, record: dict[str, Any]) -> dict[str, Any]:
        score = self.redis.zscore(self.due_key, record["id"])
        next_poll = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(score)) if score is not None else None
        return {**record, "next_poll_at": next_poll}

    def all(self) -> list[dict[str, Any]]:
        records = [json.loads(raw) for raw in self.redis.hvals(self.records_key)]
        return [self.public(r) for r in sorted(records, key=lambda r: (r["created_at"], r["id"]))]

    def delete(self, fid: str) -> bool:
        pipe = self.redis.pipeline(transaction=True)
        pipe.hdel(self.records_key, fid)
        pipe.zrem(self.due_key, fid)
        pipe.delete(self.seen_key(fid))
        return bool(pipe.execute()[0])

    def schedule(self, fid: str, at: float) -> None:
        self.redis.zadd(self.due_key, {fid: at})

    def due(self, now: float, limit: int = 500) -> list[str]:
        ids = self.redis.zrangebyscore(self.due_key, "-inf", now, start=0, num=limit)
        return [as_text(i) for i in ids]

    def lock(self, fid: str, ttl_s: float) -> Lock:
        return self.redis.lock(self.settings.redis_key("feeds", "lock", fid), timeout=ttl_s, blocking=False)

    def unseen(self, fid: str, article_ids: list[str]) -> list[str]:
        if not article_ids:
            return []
        scores = self.redis.zmscore(self.seen_key(fid), article_ids)
        return [a for a, score in zip(article_ids, scores, strict=True) if score is None]

    def mark_seen(self, fid: str, article_id: str) -> None:
        pipe = self.redis.pipeline(transaction=True)
        pipe.zadd(self.seen_key(fid), {article_id: time.time()})
        pipe.zremrangebyrank(self.seen_key(fid), 0, -self.settings.feed_seen_max - 1)
        pipe.execute()
