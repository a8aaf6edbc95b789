"""Topics in Redis (key names: shared/topics/keys.py): create, read, change, delete, each scoped to its owner.

A topic's owner is the search API key's name that made it (None without keys). Another owner's topic is
never found (the API answers 404, as for a topic that does not exist), and each owner holds at most
TOPICS_PER_KEY of them. Every change bumps `topics:version`, so the indexer rebuilds its matcher.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

import redis

from shared.delivery.status import now_iso
from shared.redis_client import as_text
from shared.settings import Settings, get_settings
from shared.topics.keys import TopicKeys
from shared.webhooks.signing import new_secret

PUBLIC = ("id", "name", "query", "webhook_url", "created_at", "updated_at")


class QuotaExceeded(Exception):
    """The owner already holds TOPICS_PER_KEY topics."""


def public(record: dict[str, Any]) -> dict[str, Any]:
    """What the API shows of a topic: never its owner, never its secret (shown once, at creation)."""
    return {name: record.get(name) for name in PUBLIC}


class TopicStore:
    def __init__(self, client: redis.Redis, settings: Settings | None = None) -> None:
        self.redis = client
        self.settings = settings or get_settings()
        self.keys = TopicKeys(self.settings)

    def create(
        self, name: str, query: dict[str, Any], match: dict[str, Any], webhook_url: str | None, owner: str | None
    ) -> dict[str, Any]:
        """The new record, its webhook secret included (the only time it is shown). `query` is the search as given,
        `match` the same normalized (what the indexer's matcher runs)."""
        topic_id = "t_" + secrets.token_hex(8)
        now = now_iso()
        record = {
            "id": topic_id,
            "name": name,
            "query": query,
            "match": match,
            "webhook_url": webhook_url,
            "webhook_secret": new_secret() if webhook_url else None,
            "owner": owner,
            "created_at": now,
            "updated_at": now,
        }
        owned = self.keys.owner(owner)
        # Count and add under WATCH: two concurrent creations cannot both take the last place of a quota.
        with self.redis.pipeline(transaction=True) as pipe:
            while True:
                try:
                    pipe.watch(owned)
                    if int(pipe.scard(owned)) >= self.settings.topics_per_key:
                        raise QuotaExceeded(f"at most {self.settings.topics_per_key} topics per key")
                    pipe.multi()
                    pipe.hset(self.keys.records, topic_id, json.dumps(record))
                    pipe.sadd(owned, topic_id)
                    pipe.incr(self.keys.version)
                    pipe.execute()
                    return record
                except redis.WatchError:
                    continue

    def get(self, topic_id: str, owner: str | None) -> dict[str, Any] | None:
        """The owner's topic, or None (not there, or someone else's)."""
        raw = self.redis.hget(self.keys.records, topic_id)
        record: dict[str, Any] | None = json.loads(raw) if raw else None
        if record is None or record.get("owner") != owner:
            return None
        return record

    def owned(self, owner: str | None) -> list[dict[str, Any]]:
        ids = sorted(as_text(i) for i in self.redis.smembers(self.keys.owner(owner)))
        raws = self.redis.hmget(self.keys.records, ids) if ids else []
        records = [json.loads(raw) for raw in raws if raw]
        return sorted((r for r in records if r.get("owner") == owner), key=lambda r: (r["created_at"], r["id"]))

    def update(self, topic_id: str, owner: str | None, changes: dict[str, Any]) -> tuple[dict[str, Any], bool] | None:
        """(the changed record, whether its webhook secret is new: made when a webhook is first added), or None when
        not the owner's."""
        record = self.get(topic_id, owner)
        if record is None:
            return None
        record.update(changes)
        new = bool(record.get("webhook_url") and not record.get("webhook_secret"))
        if new:
            record["webhook_secret"] = new_secret()
        record["updated_at"] = now_iso()
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(self.keys.records, topic_id, json.dumps(record))
        pipe.incr(self.keys.version)
        pipe.execute()
        return record, new

    def delete(self, topic_id: str, owner: str | None) -> bool:
        if self.get(topic_id, owner) is None:
            return False
        pipe = self.redis.pipeline(transaction=True)
        pipe.hdel(self.keys.records, topic_id)
        pipe.srem(self.keys.owner(owner), topic_id)
        pipe.delete(self.keys.events(topic_id), self.keys.matched(topic_id))
        pipe.incr(self.keys.version)
        pipe.execute()
        return True

    def version(self) -> int:
        return int(self.redis.get(self.keys.version) or 0)

    def everything(self) -> tuple[int, list[dict[str, Any]]]:
        """(version, every topic of every owner), read together: what the indexer's matcher is built from."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.get(self.keys.version)
        pipe.hvals(self.keys.records)
        version, raws = pipe.execute()
        return int(version or 0), [json.loads(raw) for raw in raws]
