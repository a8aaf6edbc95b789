"""Feed polling tasks: beat runs `tick` every FEED_TICK_S; it dispatches a `poll` for each feed that is due."""

from __future__ import annotations

import logging
import time
from typing import Any

from services.worker.tasks import app, redis_client
from shared.delivery import submission
from shared.delivery.status import now_iso
from shared.feeds import FEEDS_POLL_TASK, FEEDS_TICK_TASK
from shared.feeds.poller import Poller
from shared.feeds.store import FeedStore
from shared.observability.queue_metrics import unfinished_articles
from shared.settings import get_settings

log = logging.getLogger(__name__)


def submit(payload: dict[str, Any]) -> None:
    """Queue one feed entry exactly as the ingest service queues an article."""
    payload["accepted_at"] = now_iso()
    submission.record_accepted(redis_client(), [payload])
    submission.send(app, redis_client(), [payload])


def queue_is_full() -> bool:
    """As the ingest service answers 429: too many accepted articles are not finished yet."""
    settings = get_settings()
    return unfinished_articles(redis_client(), settings) >= settings.queue_max_depth


@app.task(name=FEEDS_TICK_TASK, ignore_result=True)
def tick() -> list[str]:
    """Dispatch a poll of every feed that is due; each is pushed one interval ahead so it is dispatched once."""
    store = FeedStore(redis_client())
    if queue_is_full():
        log.warning("feed polls deferred: the article queue is full")
        return []
    due = store.due(time.time())
    for fid in due:
        record = store.get(fid)
        if record is None:
            continue
        store.schedule(fid, time.time() + record["interval_s"])
        app.send_task(FEEDS_POLL_TASK, args=[fid])
    return due


@app.task(name=FEEDS_POLL_TASK, ignore_result=True, acks_late=True)
def poll(fid: str) -> str:
    result = Poller(FeedStore(redis_client()), submit, get_settings()).poll(fid)
    return result.status
