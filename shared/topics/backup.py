"""Topics as JSON, to back up and to restore into a running or a fresh Redis (docs/backups.md).

A restore writes each backed-up topic back (its secret too: a partner's receiver keeps verifying) and leaves
topics made since alone. What a topic already matched is not rolled back: Redis keeps its own, newer record of
that, so a restore notifies nothing twice.
"""

from __future__ import annotations

import json
import time
from typing import Any

from shared.topics.store import TopicStore

FORMAT = 1


def export(store: TopicStore) -> dict[str, Any]:
    _version, records = store.everything()
    records.sort(key=lambda r: (r["created_at"], r["id"]))
    return {"format": FORMAT, "namespace": store.settings.namespace, "exported_at": time.time(), "topics": records}


def restore(store: TopicStore, backup: dict[str, Any]) -> int:
    if backup.get("format") != FORMAT:
        raise ValueError(f"topic backup format {backup.get('format')!r}; this version reads {FORMAT}")
    pipe = store.redis.pipeline(transaction=True)
    for record in backup["topics"]:
        pipe.hset(store.keys.records, record["id"], json.dumps(record))
        pipe.sadd(store.keys.owner(record.get("owner")), record["id"])
    pipe.incr(store.keys.version)
    pipe.execute()
    return len(backup["topics"])
