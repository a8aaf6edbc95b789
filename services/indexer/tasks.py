"""The indexer's one task: write handed-over articles to Elasticsearch in bulk, each settled exactly once.

A batch costs one near-duplicate lookup (msearch) and one bulk request, whatever its size. Every article
then ends indexed (or superseded by a newer copy), sent again with backoff (a transient status or no answer:
shared/delivery/retry.py), or dead-lettered (refused by Elasticsearch, or out of attempts). See docs/guarantees.md.
"""

from __future__ import annotations

import logging
import time
from functools import lru_cache
from typing import Any

import redis
import structlog
from celery import signals
from celery_batches import SimpleRequest
from elasticsearch import ApiError as EsApiError
from elasticsearch import Elasticsearch, TransportError
from prometheus_client import REGISTRY

from services.indexer.batch import Item, Plan, Settlement, all_retryable, newest_per_article, settle
from services.indexer.consumer import SettledBatches
from services.indexer.outage import EngineUnavailable, wait_for_engine
from services.indexer.topics import TopicStep
from shared.articles.dedup import find_duplicates
from shared.consumer import metrics  # bulk size and latency, freshness; serves the indexer's /metrics and /readyz
from shared.delivery.celery_app import INDEX_TASK, make_celery
from shared.delivery.deadletters import bounded_reason, dead_letter
from shared.delivery.handover import dead_letter_payload, retried
from shared.delivery.inflight import InFlight
from shared.delivery.retry import backoff_s, is_transient_error
from shared.delivery.status import StatusStore, now_iso
from shared.es.client import is_reachable, make_client
from shared.es.index import ensure_index
from shared.es.indexer import bulk_index_documents
from shared.redis_client import connect
from shared.settings import get_settings
from shared.topics.fan_out import FanOut
from shared.topics.matcher import MatchingFailed
from shared.topics.outbox import OutboxCollector

log = logging.getLogger(__name__)
settings = get_settings()
app = make_celery()
# A message carries up to ARTICLES_PER_TASK articles (shared/delivery/submission.py): a bulk request of about
# INDEX_BATCH_MAX_DOCS articles gathers this many messages (fewer when articles arrive one by one).
MESSAGES_PER_BULK = max(1, settings.index_batch_max_docs // settings.articles_per_task)
app.conf.update(
    # `celery -A services.indexer.app worker` needs no options: it consumes the index queue only, with threads
    # (a batch mostly waits on Elasticsearch), and reserves enough messages for every thread to fill a batch.
    task_default_queue=settings.index_queue_name,
    worker_pool="threads",
    worker_concurrency=settings.indexer_concurrency,
    worker_prefetch_multiplier=MESSAGES_PER_BULK,
)
metrics.serve_metrics_on(settings.indexer_metrics_port, role="indexer")


@lru_cache(maxsize=1)
def es() -> Elasticsearch:
    client = make_client()
    ensure_index(client)
    return client


@lru_cache(maxsize=1)
def redis_client() -> redis.Redis:
    return connect(settings)


@lru_cache(maxsize=1)
def topic_step() -> TopicStep:
    return TopicStep(redis_client(), settings)


@signals.worker_ready.connect
def start_fan_out(**_: Any) -> None:
    """Once the worker consumes: the matches outbox's fan-out, a thread of this process, and the outbox's gauges."""
    REGISTRY.register(OutboxCollector(redis_client(), settings))
    FanOut.connected(settings).start()


def batch_wait_s(_task: SettledBatches) -> float:
    """A batch waits longer with topics saved (TOPIC_BATCH_WAIT_S): its matching's costs are shared by more articles."""
    with_topics = max(settings.topic_batch_wait_s, settings.index_batch_wait_s)
    return with_topics if topic_step().has_topics() else settings.index_batch_wait_s


@app.task(
    name=INDEX_TASK,
    base=SettledBatches,
    bind=True,
    acks_late=True,
    flush_every=MESSAGES_PER_BULK,
    flush_interval=settings.index_batch_wait_s,
    batch_wait_s=batch_wait_s,
)
def index_articles(self: SettledBatches, requests: list[SimpleRequest]) -> bool:
    items = [Item(r.id, message) for r in requests for message in handed_over(r.args)]
    try:
        if items:
            write_batch(items)
    except EngineUnavailable as exc:
        log.warning("batch of %d back to the queue, no attempt counted: %s", len(items), exc)
        return False
    return True  # every article settled: the batch may be acknowledged


def handed_over(args: Any) -> list[dict[str, Any]]:
    """The articles of one message: the list a worker handed over (or the indexer sent again)."""
    messages = args[0] if args else None
    usable = [m for m in messages if isinstance(m, dict) and "doc" in m and "meta" in m] if isinstance(messages, list) else []
    if not usable or len(usable) < len(messages or []):
        log.error("a message without usable handed-over articles: %.200r", args)
    return usable


def write_batch(items: list[Item]) -> Settlement:
    plan = newest_per_article(items)
    versions = {item.id: item.version for item in plan.write}
    hold_until = time.monotonic() + settings.index_outage_hold_s
    waits = topic_step().waits_for_refresh()
    while True:
        documents = stamped(plan)  # again after an outage: the near-duplicate lookup may have failed in it
        try:
            with metrics.timed_bulk(len(documents)):
                outcome = bulk_index_documents(es(), settings.index_alias, documents, versions, waits)
            break
        except Exception as exc:  # any failure of the request as a whole
            reason = bounded_reason(f"{type(exc).__name__}: {exc}")
            if not is_transient_error(exc) or engine_reachable():
                outcome = all_retryable(plan, reason)  # the articles' own failure: their bounded retries
                break
            log.warning("Elasticsearch unreachable (%s): a batch of %d waits for it", reason, len(plan.write))
            if not wait_for_engine(engine_reachable, hold_until, settings.index_probe_interval_s):
                raise EngineUnavailable(f"Elasticsearch unreachable for {settings.index_outage_hold_s:.0f}s") from exc
    result = settle(plan, outcome, settings.task_max_retries)
    by_id = {d["id"]: d for d in documents}
    match_topics(result.indexed, by_id, hold_until, waits)
    record(result, by_id)
    log.info(
        "batch of %d: %d indexed, %d superseded, %d to retry, %d dead-lettered",
        len(items),
        len(result.indexed),
        len(result.superseded),
        len(result.retry),
        len(result.failed),
    )
    return result


def match_topics(written: list[Item], documents: dict[str, dict[str, Any]], hold_until: float, searchable: bool) -> None:
    """Before anything of the batch is settled. Elasticsearch gone after the bulk write: the batch waits for it within
    the same hold as the write; any other failure puts the whole batch back, to be written and matched again."""
    while True:
        try:
            topic_step().run(es(), written, documents, searchable)
            return
        except (MatchingFailed, TransportError, EsApiError, redis.RedisError) as exc:
            reason = f"topic matching: {type(exc).__name__}: {bounded_reason(str(exc))}"
            if isinstance(exc, redis.RedisError) or engine_reachable():
                raise EngineUnavailable(reason) from exc
            log.warning("Elasticsearch unreachable (%s): a written batch of %d waits for it", reason, len(written))
            if not wait_for_engine(engine_reachable, hold_until, settings.index_probe_interval_s):
                raise EngineUnavailable(reason) from exc


def engine_reachable() -> bool:
    try:
        return is_reachable(es())
    except Exception:  # noqa: BLE001 - es() itself fails while the engine is down (it checks the index)
        return False


def stamped(plan: Plan) -> list[dict[str, Any]]:
    """The documents to write: their index time, and near-duplicates pointed at their original (one lookup)."""
    documents = [dict(item.message["doc"], indexed_at=now_iso()) for item in plan.write]
    try:
        client = es()
    except Exception as exc:  # noqa: BLE001 - Elasticsearch unreachable: the bulk request will say so and retry
        log.warning("no near-duplicate lookup: %r", exc)
        return documents
    originals = find_duplicates(client, settings.index_alias, documents)
    for doc in documents:
        if doc["id"] in originals:
            doc["duplicate_of"] = originals[doc["id"]]
    return documents


def record(result: Settlement, documents: dict[str, dict[str, Any]]) -> None:
    """Make each article's fate durable (status, retry message, dead letter) before the batch is acknowledged."""
    statuses = StatusStore(redis_client())
    pipe = redis_client().pipeline(transaction=False)
    for item in result.indexed + result.superseded:
        doc = documents.get(item.id) or item.message["doc"]
        original = doc.get("duplicate_of")
        statuses.set(item.id, "duplicate" if original else "indexed", duplicate_of=original, pipe=pipe)
    # In-flight ledger: final, so forgotten (an entry of a newer accepted copy stays; shared/delivery/inflight.py).
    InFlight(redis_client()).done(result.finished_versions(), pipe=pipe)
    pipe.execute()
    for item in result.indexed:
        meta = item.message["meta"]
        metrics.observe_indexed(meta, documents[item.id].get("published_at"))
        # One line per article, carrying the ingest request id: a request is followed from POST to the index.
        with structlog.contextvars.bound_contextvars(request_id=meta.get("request_id"), article_id=item.id):
            log.info("article %s indexed", item.id)
    send_again([item for item, _reason in result.retry])
    for item, reason in result.failed:
        fail(item, reason)
    if result.retry:
        log.warning("%d article(s) sent again: %s", len(result.retry), result.retry[0][1])


def send_again(items: list[Item]) -> None:
    """Retries, one message per attempt count (they share a backoff)."""
    by_attempts: dict[int, list[dict[str, Any]]] = {}
    for item in items:
        by_attempts.setdefault(item.attempts, []).append(retried(item.message))
    for attempts, messages in by_attempts.items():
        countdown = backoff_s(attempts, settings.retry_backoff_base_s, settings.retry_backoff_max_s)
        app.send_task(INDEX_TASK, args=[messages], countdown=countdown)


def fail(item: Item, reason: str) -> None:
    dead_letter(redis_client(), dead_letter_payload(item.message), reason, item.attempts + 1)
