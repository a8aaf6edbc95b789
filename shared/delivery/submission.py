"""Accepted articles into the pipeline, the same way from every entry (ingest API, feeds, sweeper replays).

First each is recorded in one Redis transaction: status `queued` and its in-flight ledger entry (the sweeper
sends again what a queue lost: README "Guarantees"). Then they are sent to the workers, up to
ARTICLES_PER_TASK per Celery message: a message costs the broker, the worker's main process and its child
about as much as normalizing a JSON article, so a batch request travels in a few messages, not one per
article. A message that fails as a whole is split back into single-article messages by the worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import redis
from celery import Celery

from shared.delivery.celery_app import PROCESS_TASK
from shared.delivery.inflight import InFlight, forget
from shared.delivery.status import StatusStore
from shared.settings import Settings, get_settings


def chunked(payloads: Sequence[dict[str, Any]], size: int) -> list[list[dict[str, Any]]]:
    size = max(1, size)
    return [list(payloads[i : i + size]) for i in range(0, len(payloads), size)]


def record_accepted(
    client: redis.Redis, payloads: Sequence[dict[str, Any]], settings: Settings | None = None
) -> dict[str, dict[str, Any]]:
    """Status `queued` and ledger entry of every payload, in one transaction. Returns the statuses the
    articles had before (id → status record), for the ones the service already knew."""
    settings = settings or get_settings()
    statuses, ledger = StatusStore(client, settings), InFlight(client, settings)
    ids = [p["id"] for p in payloads]
    if not ids:
        return {}
    pipe = client.pipeline(transaction=True)
    pipe.mget([statuses.key(i) for i in ids])
    for payload in payloads:
        statuses.set(payload["id"], "queued", pipe=pipe)
        ledger.add(payload, pipe=pipe)
    return statuses.decode_many(ids, pipe.execute()[0])


def send(
    celery: Celery,
    client: redis.Redis,
    payloads: Sequence[dict[str, Any]],
    producer: Any = None,
    settings: Settings | None = None,
) -> None:
    """Send recorded payloads to the workers, ARTICLES_PER_TASK to a message. If a send fails, the payloads not
    sent leave the ledger again (best effort) and the error is raised: the caller answers an error, the client
    sends them again."""
    settings = settings or get_settings()
    chunks = chunked(payloads, settings.articles_per_task)
    for n, chunk in enumerate(chunks):
        try:
            celery.send_task(PROCESS_TASK, args=[chunk], producer=producer)
        except Exception:
            forget(InFlight(client, settings), [p for unsent in chunks[n:] for p in unsent])
            raise
