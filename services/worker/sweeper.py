"""The sweeper of the in-flight ledger (shared/delivery/inflight.py): beat runs `sweep` every SWEEP_INTERVAL_S.

An accepted article whose entry shows no progress for SWEEP_AFTER_S (its message was lost between Redis and
a worker, or Redis lost the tail of its AOF) is sent again with its stored payload, under its original
version: indexing is idempotent, so a re-send of an article that was only slow is a harmless repeat.
After SWEEP_MAX_RESENDS re-sends it is dead-lettered as lost. README "Guarantees".
"""

from __future__ import annotations

import contextlib
import logging
from collections import Counter
from functools import lru_cache
from typing import Any

from elasticsearch import Elasticsearch
from redis.exceptions import LockError

from services.worker.tasks import app, fail, redis_client
from shared.delivery.celery_app import PROCESS_TASK, SWEEP_TASK
from shared.delivery.deadletters import DeadLetters
from shared.delivery.inflight import InFlight
from shared.delivery.retry import version_of
from shared.delivery.status import FINAL_STATUSES, StatusStore
from shared.es.client import make_client
from shared.observability.metrics import RESENT
from shared.observability.queue_metrics import waiting_messages
from shared.settings import get_settings

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def es() -> Elasticsearch:
    return make_client()


@app.task(name=SWEEP_TASK, ignore_result=True)
def sweep() -> dict[str, int]:
    """Send again, dead-letter or forget each due entry; one log line with the counts."""
    if queue_is_deep():
        log.warning("in-flight sweep deferred: the article queue is full")
        return {}
    # One sweep at a time (sweeps queued behind a busy worker run back to back); released, or expired if we die.
    lock = redis_client().lock(get_settings().redis_key("inflight", "sweeping"), timeout=300, blocking=False)
    if not lock.acquire():
        return {}
    try:
        return sweep_due(InFlight(redis_client()))
    finally:
        with contextlib.suppress(LockError):
            lock.release()


def queue_is_deep() -> bool:
    """The queue holds a full QUEUE_MAX_DEPTH of articles (in messages of up to ARTICLES_PER_TASK): re-sends wait.
    Not the ledger's size, which counts exactly the stuck articles a sweep is for."""
    settings = get_settings()
    return waiting_messages(redis_client(), settings) >= settings.queue_max_depth // settings.articles_per_task


def sweep_due(ledger: InFlight) -> dict[str, int]:
    settings = get_settings()
    due = ledger.due(settings.sweep_after, settings.sweep_batch)
    final = confirmed_final(due)
    counts = Counter(settle(ledger, payload, payload["id"] in final) for payload in due)
    log.info(
        "in-flight sweep: %d due, %d re-sent, %d dead-lettered as lost, %d already final; %d in flight",
        len(due),
        counts["resent"],
        counts["dead"],
        counts["final"],
        ledger.size(),
    )
    return dict(counts)


def settle(ledger: InFlight, payload: dict[str, Any], final: bool) -> str:
    settings = get_settings()
    if final:
        ledger.done({payload["id"]: version_of(payload)})
        return "final"
    resends = ledger.resends(payload["id"])
    if resends >= settings.sweep_max_resends:
        fail(payload, f"lost in the pipeline: re-sent {resends} times without finishing", resends + 1)
        return "dead"
    app.send_task(PROCESS_TASK, args=[[payload]])
    ledger.resent(payload["id"])
    RESENT.inc()
    log.warning("article %s: no progress for %.0fs, sent again (%d)", payload["id"], settings.sweep_after, resends + 1)
    return "resent"


def confirmed_final(payloads: list[dict[str, Any]]) -> set[str]:
    """Ids whose final status holds for the version in the ledger: indexed at that version or a newer one, or
    dead-lettered with it. A status alone does not say which copy it is about: an older copy may have finished
    after a newer one was accepted, and the newer one must then still be swept."""
    settings = get_settings()
    statuses = StatusStore(redis_client()).get_many([p["id"] for p in payloads])
    versions = {p["id"]: version_of(p) for p in payloads if statuses.get(p["id"], {}).get("status") in FINAL_STATUSES}
    if not versions:
        return set()
    dead = DeadLetters(redis_client())
    confirmed = {i for i, v in versions.items() if (r := dead.get(i)) is not None and version_of(r["payload"]) >= v}
    try:
        docs = es().mget(index=settings.index_alias, ids=list(versions), source=False)["docs"]
    except Exception as exc:  # noqa: BLE001 - Elasticsearch unreachable: send again (harmless), confirm next time
        log.warning("in-flight sweep: no index lookup: %r", exc)
        return confirmed
    return confirmed | {d["_id"] for d in docs if d.get("found") and int(d["_version"]) >= versions[d["_id"]]}
