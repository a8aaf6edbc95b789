"""Scheduled Elasticsearch snapshots: beat runs `tick` every few minutes; a snapshot starts when the newest
good one is SNAPSHOT_INTERVAL_S old, and older scheduled ones past SNAPSHOT_KEEP are deleted (shared/es/snapshots.py).

The minimal Elasticsearch distribution has no snapshot lifecycle management (SLM), hence this task.
"""

from __future__ import annotations

import contextlib
import logging
import time
from functools import lru_cache

from elasticsearch import Elasticsearch
from redis.exceptions import LockError

from services.worker.tasks import app, redis_client
from shared.delivery.celery_app import SNAPSHOT_TASK
from shared.es import snapshots
from shared.es.client import make_client
from shared.settings import get_settings

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def es() -> Elasticsearch:
    return make_client()


@app.task(name=SNAPSHOT_TASK, ignore_result=True)
def tick() -> str:
    # Two ticks run back to back on two processes (after a worker outage) would both find a snapshot due.
    lock = redis_client().lock(get_settings().redis_key("snapshots", "ticking"), timeout=120, blocking=False)
    if not lock.acquire():
        return "locked"
    try:
        return snapshots.tick(es(), get_settings(), time.time())
    finally:
        with contextlib.suppress(LockError):
            lock.release()
