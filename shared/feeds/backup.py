"""Feed subscriptions as JSON, to back up and to restore into a running or a fresh Redis (docs/backups.md).

Each feed is its stored record plus the entries it has seen (article id → when). On restore, a feed's
seen entries are kept only where the restored index holds the article (`present`): an entry seen after the
snapshot was taken, or still in flight then, is forgotten, so the next poll queues it again while the feed
still lists it. Queueing it again is harmless (same id, newer version); skipping it would lose it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from typing import Any

from shared.feeds.store import FeedStore

FORMAT = 1


def export(store: FeedStore) -> dict[str, Any]:
    feeds = []
    for raw in store.redis.hvals(store.records_key):
        record = json.loads(raw)
        seen: list[tuple[bytes, float]] = store.redis.zrange(store.seen_key(record["id"]), 0, -1, withscores=True)  # type: ignore[assignment]
        feeds.append({"record": record, "seen": {member.decode(): score for member, score in seen}})
    feeds.sort(key=lambda f: f["record"]["created_at"])
    return {"format": FORMAT, "namespace": store.settings.namespace, "exported_at": time.time(), "feeds": feeds}


def seen_ids(backup: dict[str, Any]) -> list[str]:
    return [article_id for feed in backup["feeds"] for article_id in feed["seen"]]


def restore(store: FeedStore, backup: dict[str, Any], present: Callable[[Iterable[str]], set[str]]) -> tuple[int, int]:
    """Write each backed-up feed back (feeds subscribed since are left alone), due now. Returns (feeds,
    seen entries forgotten because the index lacks their article)."""
    if backup.get("format") != FORMAT:
        raise ValueError(f"feed backup format {backup.get('format')!r}; this version reads {FORMAT}")
    in_index = present(seen_ids(backup))
    forgotten = 0
    for feed in backup["feeds"]:
        record, seen = feed["record"], {i: s for i, s in feed["seen"].items() if i in in_index}
        forgotten += len(feed["seen"]) - len(seen)
        pipe = store.redis.pipeline(transaction=True)
        pipe.hset(store.records_key, record["id"], json.dumps(record))
        pipe.delete(store.seen_key(record["id"]))
        if seen:
            pipe.zadd(store.seen_key(record["id"]), seen)
        pipe.zadd(store.due_key, {record["id"]: time.time()})
        pipe.execute()
    return len(backup["feeds"]), forgotten
