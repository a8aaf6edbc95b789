"""The worker's task: normalize accepted articles and hand them to the indexer, never losing one, never storing one twice.

Every delivery ends in exactly one of: handed to the indexer (which writes it, and retries what Elasticsearch fails
transiently: shared/delivery/retry.py), a retry with backoff (a hang past the soft time limit), the dead-letter list
with its reason, or a requeue (Redis unreachable: the message stays unacknowledged and comes back). See
docs/guarantees.md.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, NoReturn

import redis
from celery import Celery, Task
from celery.exceptions import Ignore, Reject, SoftTimeLimitExceeded, TimeLimitExceeded
from celery.signals import worker_init
from kombu.exceptions import OperationalError

from shared.articles.model import NormalizedArticle
from shared.consumer import metrics  # stage timing; importing it connects the signals: logs, heartbeat, /metrics, /readyz
from shared.delivery.celery_app import INDEX_TASK, PROCESS_TASK, make_celery
from shared.delivery.deadletters import dead_letter
from shared.delivery.handover import index_message
from shared.delivery.inflight import InFlight
from shared.delivery.retry import backoff_s
from shared.delivery.status import StatusStore
from shared.es.indexer import to_document
from shared.extraction.pipeline import normalize
from shared.observability.logs import article_context
from shared.redis_client import connect
from shared.settings import get_settings

log = logging.getLogger(__name__)
app: Celery = make_celery()


@lru_cache(maxsize=1)
def redis_client() -> redis.Redis:
    return connect()


WARM_UP = {"id": "warm-up", "kind": "article", "article": {"title": "Warm-up", "body": "Astana, Kazakhstan. A warm-up text."}}


@worker_init.connect
def warm_up(**_: Any) -> None:
    """Load what the normalizer loads on first use (gazetteers, language models: seconds of work) once in the
    main process, before the pool forks: a fresh child (after a crash) then starts warm instead of spending
    its first article's time limit loading data, and the children share those pages."""
    try:
        normalize(WARM_UP)
    except Exception:  # a warm-up failure only costs the first article some time
        log.exception("normalizer warm-up failed")


def deliveries_key(task_id: str) -> str:
    return get_settings().redis_key("deliveries", task_id)


def start_delivery(task_id: str, article_ids: list[str]) -> int:
    """One round trip as a task starts: count this start of the task (the same id across its retries and
    redeliveries), mark its articles `processing`, and touch their in-flight entries (progress: the sweeper
    waits SWEEP_AFTER_S more). Returns how many times the task has started."""
    pipe = redis_client().pipeline(transaction=True)
    pipe.incr(deliveries_key(task_id))
    pipe.expire(deliveries_key(task_id), 7 * 24 * 3600)
    statuses, ledger = StatusStore(redis_client()), InFlight(redis_client())
    for article_id in article_ids:
        statuses.set(article_id, "processing", pipe=pipe)
        ledger.touch(article_id, pipe=pipe)
    return int(pipe.execute()[0])


def fail(payload: dict[str, Any], reason: str, attempts: int) -> None:
    """The article cannot be processed: dead-letter it with the reason (bounded there, its cause kept) and the attempts."""
    dead_letter(redis_client(), payload, reason, attempts)


def split(payloads: list[dict[str, Any]], why: str) -> None:
    """A message of several articles failed as a whole (its process killed, a time limit): each article goes
    on in a message of its own, where the single-article bounds find the culprit and let the others through."""
    log.warning("%d articles sent on one by one: %s", len(payloads), why)
    for payload in payloads:
        app.send_task(PROCESS_TASK, args=[[payload]])


def payloads_of(args: Any) -> list[dict[str, Any]]:
    """The articles of a task's arguments, as far as they are usable."""
    payloads = args[0] if args else []
    return [p for p in payloads if isinstance(p, dict) and "id" in p] if isinstance(payloads, list) else []


class ArticleTask(Task):
    """Dead-letters (or splits) what the task body could not handle: a hard time limit (its child was killed) or a bug."""

    Request = "services.worker.hard_limit:HardLimitRequest"  # the hard limit reaches on_failure (Celery 5.6)

    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        payloads = payloads_of(args)
        if not payloads:
            log.error("task %s failed without a usable payload: %r", task_id, exc)
            return
        if len(payloads) > 1:
            split(payloads, f"{type(exc).__name__}: {exc}")
            return
        attempts = int(redis_client().get(deliveries_key(task_id)) or 1)
        if isinstance(exc, TimeLimitExceeded):
            self.hard_time_limit(payloads[0], task_id, int((kwargs or {}).get("hangs", 0)), attempts)
            return
        fail(payloads[0], f"unexpected: {type(exc).__name__}: {exc}", attempts)

    def hard_time_limit(self, payload: dict[str, Any], task_id: str, hangs: int, attempts: int) -> None:
        """The child was killed at the hard limit: send the article again (a stalled Elasticsearch looks the same
        as a hang), as a retry of the same task, until it has hung MAX_WORKER_LOSSES times: then it is poison."""
        settings = get_settings()
        if hangs + 1 >= settings.max_worker_losses:
            fail(payload, f"poison: exceeded the hard time limit ({settings.task_time_limit_s:g}s) {hangs + 1} times", attempts)
            return
        retries = int(redis_client().get(retries_key(task_id)) or 0) + 1
        redis_client().set(retries_key(task_id), retries, ex=7 * 24 * 3600)
        countdown = backoff_s(retries, settings.retry_backoff_base_s, settings.retry_backoff_max_s)
        log.warning("article %s: hard time limit; sent again in %.1fs", payload["id"], countdown)
        self.apply_async(args=[[payload]], kwargs={"hangs": hangs + 1}, task_id=task_id, retries=retries, countdown=countdown)


def retries_key(task_id: str) -> str:
    return get_settings().redis_key("hardlimit-retries", task_id)


def requeue_on_redis_error(exc: Exception) -> NoReturn:
    """Redis unreachable: the message goes back (or, if Redis cannot even take that, stays unacknowledged
    and is redelivered after the visibility timeout). Indexing is idempotent, so running again is safe."""
    log.warning("Redis error, requeueing: %s", exc)
    raise Reject(exc, requeue=True) from exc


def retry_later(task: Task, payload: dict[str, Any], reason: str, hangs: int = 0) -> NoReturn:
    settings = get_settings()
    retries = task.request.retries
    if retries >= settings.task_max_retries:
        fail(payload, f"{reason} (gave up after {retries + 1} attempts)", retries + 1)
        raise Ignore()  # dead-lettered: acknowledge the message
    countdown = backoff_s(retries, settings.retry_backoff_base_s, settings.retry_backoff_max_s)
    log.warning("article %s: %s; retry %d in %.1fs", payload.get("id"), reason, retries + 1, countdown)
    try:
        raise task.retry(args=[[payload]], kwargs={"hangs": hangs}, countdown=countdown, max_retries=None)
    except Reject as exc:  # the retry could not be published (Redis down): keep the message instead
        raise Reject(exc, requeue=True) from exc


@app.task(name=PROCESS_TASK, bind=True, base=ArticleTask, acks_late=True, max_retries=None)
def process_articles(self: Task, payloads: list[dict[str, Any]], hangs: int = 0) -> None:
    """Normalize one to ARTICLES_PER_TASK accepted articles (shared/delivery/submission.py) and hand them to the indexer
    in one message. An article that fails to normalize is dead-lettered alone; a message that fails as a whole
    (killed, hung, out of time) is split into single-article messages, which carry the poison bounds."""
    settings = get_settings()
    try:
        deliveries = start_delivery(self.request.id, [p["id"] for p in payloads])
        # Starts that ended neither in success nor in a retry: the child was killed or hung mid-task.
        losses = deliveries - 1 - self.request.retries + hangs
        if losses and len(payloads) > 1:
            split(payloads, f"its processing killed or hung the worker {losses} time(s)")
            return
        if losses >= settings.max_worker_losses:
            fail(payloads[0], f"poison: its processing killed or hung the worker {losses} times", deliveries)
            return
        normalized = [(p, a) for p in payloads if (a := normalize_or_fail(p, deliveries)) is not None]
        if normalized:
            hand_over(normalized)
    except SoftTimeLimitExceeded:
        if len(payloads) > 1:
            split(payloads, "soft time limit exceeded")
            return
        # A hang may be a slow moment of the machine: try again, at most MAX_WORKER_LOSSES times in all.
        if hangs + 1 >= settings.max_worker_losses:
            fail(payloads[0], f"poison: the task exceeded the soft time limit {hangs + 1} times", self.request.retries + 1)
            return
        retry_later(self, payloads[0], "soft time limit exceeded", hangs=hangs + 1)
    except (redis.RedisError, OperationalError) as exc:
        requeue_on_redis_error(exc)


def normalize_or_fail(payload: dict[str, Any], attempts: int) -> NormalizedArticle | None:
    """The normalized article, or None when it cannot be normalized: the same input fails the same way, so it
    is dead-lettered at once. Out of time is not its failure alone: that reaches the task."""
    try:
        with article_context(payload), metrics.timed("normalize"):  # its log lines name the article
            return normalize(payload)
    except SoftTimeLimitExceeded:
        raise
    except Exception as exc:  # noqa: BLE001
        fail(payload, f"normalize: {type(exc).__name__}: {exc}", attempts)
        return None


def hand_over(normalized: list[tuple[dict[str, Any], NormalizedArticle]]) -> None:
    """Queue the normalized articles for the indexer in one message; it writes many in one bulk request
    (services/indexer). Only then is this task acknowledged: an article is always in one queue or the other."""
    with metrics.timed("handover"):
        messages = [index_message(payload, to_document(article)) for payload, article in normalized]
        app.send_task(INDEX_TASK, args=[messages])
    for payload, _article in normalized:
        with article_context(payload):  # one line per article: a request is followed from POST to the index
            log.info("article %s normalized and handed to the indexer", payload["id"])
