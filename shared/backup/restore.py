"""`make restore`: bring a backup's index, feed subscriptions and topics back into the running system.

Redis is not rolled back: its queues, in-flight ledger, statuses and dead letters describe articles
accepted up to now, newer than the backup. Replacing them with the backup's would drop every article
accepted since, including ones answered 202 and still queued; left alone, those are indexed into the
restored index as they finish. The RDB in the folder is for a Redis whose disk is gone (docs/backups.md).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path

import redis
from elasticsearch import Elasticsearch

from shared.backup.folders import FEEDS, TOPICS, read_manifest
from shared.es import snapshots
from shared.feeds import backup as feeds_backup
from shared.feeds.store import FeedStore
from shared.observability.queue_metrics import unfinished_articles, waiting_messages
from shared.settings import Settings
from shared.topics import backup as topics_backup
from shared.topics.store import TopicStore

log = logging.getLogger(__name__)


def restore_folder(es: Elasticsearch, client: redis.Redis, settings: Settings, folder: Path) -> str:
    manifest = read_manifest(folder)
    part = manifest["elasticsearch"]
    log.info(
        "restore of backup %s (snapshot %s, %d documents, taken %s)",
        folder.name,
        part["snapshot"],
        part["documents"],
        part["started_at"],
    )
    index = restore_index(es, settings, part["snapshot"])
    backup = json.loads((folder / FEEDS).read_text())
    feeds, forgotten = feeds_backup.restore(FeedStore(client, settings), backup, lambda ids: present(es, settings, ids))
    log.info(
        "feed subscriptions: %d restored, due now; %d seen entries not in the index will be queued again if still listed",
        feeds,
        forgotten,
    )
    if (folder / TOPICS).is_file():  # backups taken before topics existed hold none
        topics = topics_backup.restore(TopicStore(client, settings), json.loads((folder / TOPICS).read_text()))
        log.info("topics: %d restored (topics made since are kept)", topics)
    report_redis(client, settings)
    return index


def restore_snapshot(es: Elasticsearch, client: redis.Redis, settings: Settings, snapshot: str) -> str:
    """The index alone, from any snapshot in the repository (`latest`: the newest good one)."""
    if snapshot == "latest":
        newest, _ = snapshots.newest_success(es, settings)
        if newest is None:
            raise LookupError(f"no successful snapshot in repository {snapshots.repository(settings)}")
        snapshot = newest["snapshot"]
    log.info("restore of snapshot %s (index only; feed subscriptions stay as they are)", snapshot)
    index = restore_index(es, settings, snapshot)
    report_redis(client, settings)
    return index


def restore_index(es: Elasticsearch, settings: Settings, snapshot: str) -> str:
    index = snapshots.restore(es, settings, snapshot)
    documents = int(es.count(index=settings.index_alias)["count"])
    log.info(
        "Elasticsearch: %s restored as %s, alias %s points at it, %d documents", snapshot, index, settings.index_alias, documents
    )
    return index


def present(es: Elasticsearch, settings: Settings, ids: Iterable[str], chunk: int = 1000) -> set[str]:
    """Which of these article ids the index holds (mget reads in real time: no refresh needed)."""
    wanted, found = list(ids), set()
    for start in range(0, len(wanted), chunk):
        docs = es.mget(index=settings.index_alias, ids=wanted[start : start + chunk], source=False)["docs"]
        found |= {d["_id"] for d in docs if d.get("found")}
    return found


def report_redis(client: redis.Redis, settings: Settings) -> None:
    log.info(
        "Redis left as it is: %d messages queued, %d articles in flight (they go into the restored index as they finish); "
        "articles indexed after the snapshot started are not in it: send them again (same ids, no duplicates)",
        waiting_messages(client, settings),
        unfinished_articles(client, settings),
    )
