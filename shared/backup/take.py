"""`make backup`: feed subscriptions and topics, a Redis RDB and an Elasticsearch snapshot, then the manifest naming them.

Order: the feeds and topics are exported first (small; the RDB holds them too), then BGSAVE forks, then the snapshot
starts moments later (one count, one repository lookup). Redis' copy is thus the older one: an article
accepted in between and not yet indexed when the snapshot started is in neither (docs/backups.md, "What a
restore loses"); anything still in flight at the fork is in the RDB's in-flight ledger.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Any

import redis
from elasticsearch import Elasticsearch

from shared.backup import redis_rdb
from shared.backup.folders import FEEDS, RDB, TOPICS, new_folder, write_manifest
from shared.es import snapshots
from shared.feeds import backup as feeds_backup
from shared.feeds.store import FeedStore
from shared.settings import Settings
from shared.topics import backup as topics_backup
from shared.topics.store import TopicStore

log = logging.getLogger(__name__)


def backup(es: Elasticsearch, client: redis.Redis, settings: Settings) -> Path:
    began = time.time()
    folder = new_folder(settings, began)
    log.info("backup into %s", folder)

    feeds = feeds_backup.export(FeedStore(client, settings))
    (folder / FEEDS).write_text(json.dumps(feeds, indent=1) + "\n")
    log.info("feed subscriptions: %d feeds written to %s", len(feeds["feeds"]), FEEDS)
    topics = topics_backup.export(TopicStore(client, settings))
    (folder / TOPICS).write_text(json.dumps(topics, indent=1) + "\n")
    log.info("topics: %d written to %s", len(topics["topics"]), TOPICS)

    saves_before = redis_rdb.bgsave(client)
    log.info("Redis: BGSAVE started")

    documents = int(es.count(index=settings.index_alias)["count"])
    log.info("Elasticsearch: snapshot of %s (%d documents) started", settings.index_alias, documents)
    info = snapshots.start(es, settings, snapshots.BACKUP, wait=True)
    log.info("Elasticsearch: snapshot %s %s in %.1f s", info["snapshot"], info["state"], info["duration_in_millis"] / 1000)

    rdb = redis_rdb.copy_rdb(client, saves_before, folder / RDB)
    log.info("Redis: RDB of %d bytes copied to %s", rdb["bytes"], RDB)

    manifest = {
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(began)),
        "namespace": settings.namespace,
        "elasticsearch": elasticsearch_part(es, settings, info, documents),
        "redis": rdb,
        "feeds": {"file": FEEDS, "count": len(feeds["feeds"])},
        "topics": {"file": TOPICS, "count": len(topics["topics"])},
        "duration_s": round(time.time() - began, 2),
    }
    write_manifest(folder, manifest)
    log.info("backup %s complete in %.1f s", folder.name, manifest["duration_s"])
    return folder


def elasticsearch_part(es: Elasticsearch, settings: Settings, info: dict[str, Any], documents: int) -> dict[str, Any]:
    repo = snapshots.repository(settings)
    location = es.snapshot.get_repository(name=repo)[repo]["settings"]["location"]
    return {
        "repository": repo,
        "location": location,  # relative to the node's path.repo
        "snapshot": info["snapshot"],
        "uuid": info["uuid"],
        "alias": settings.index_alias,
        "index": info["indices"][0],
        "documents": documents,  # counted as the snapshot started; writes meanwhile may add a few
        "started_at": info["start_time"],
        "duration_s": info["duration_in_millis"] / 1000,
        "state": info["state"],
    }
