"""A batch half-buffered in the indexer: articles the indexer has taken off its queue but not written yet.

celery-batches keeps received messages in memory and writes them every INDEX_BATCH_WAIT_S (0.2 s) or at
INDEX_BATCH_MAX_DOCS; with late acknowledgement each of them sits meanwhile in kombu's unacked hash in Redis
(`<namespace>:unacked`, delivery tag → [message, exchange, routing key]). `wait_until_buffered` polls that hash
every few milliseconds and returns as soon as an index-queue message carries one of the probe articles, so the
fault strikes inside the window at production settings. `unwritten_at` checks afterwards, from the indexer's
log, how many probes were indeed not yet written when it struck (a message reserved while its batch was
already being written counts as written if its "indexed" line came first).
"""

from __future__ import annotations

import time
from collections.abc import Collection
from datetime import datetime
from pathlib import Path

import redis

from shared.settings import Settings
from tests.soak.logs import first_writes
from tests.soak.whereabouts import unacked


def reserved_by_indexer(client: redis.Redis, settings: Settings) -> set[str]:
    """Article ids of index-queue messages some consumer holds unacknowledged."""
    return {i for queue, carried in unacked(client, settings) if queue == settings.index_queue_name for i in carried}


def wait_until_buffered(client: redis.Redis, settings: Settings, probes: Collection[str], timeout: float = 10) -> bool:
    """True as soon as the indexer holds one of `probes`; False after `timeout` (they went through, or never came)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if reserved_by_indexer(client, settings) & set(probes):
            return True
        time.sleep(0.003)
    return False


def unwritten_at(log: Path, ids: Collection[str], struck: datetime) -> int:
    """How many of `ids` had no "indexed" line yet when the fault struck (a wall-clock UTC time)."""
    written = first_writes(log, ids)
    return sum(1 for i in ids if i not in written or written[i] > struck)
