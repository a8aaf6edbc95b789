"""The worker's one task: normalize an accepted article and index it."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

import redis
from celery import Celery, Task
from elasticsearch import Elasticsearch

from shared.celery_app import PROCESS_TASK, make_celery
from shared.deadletters import DeadLetters
from shared.es.client import make_client
from shared.es.index import ensure_index
from shared.es.indexer import bulk_index
from shared.extraction.pipeline import normalize
from shared.settings import get_settings
from shared.status import StatusStore

log = logging.getLogger(__name__)
app: Celery = make_celery()


@lru_cache(maxsize=1)
def es() -> Elasticsearch:
    client = make_client()
    ensure_index(client)
    return client


@lru_cache(maxsize=1)
def redis_client() -> redis.Redis:
    return redis.Redis.from_url(get_settings().redis_url)


def fail(payload: dict[str, Any], reason: str, attempts: int) -> None:
    """The article cannot be processed: dead-letter it with the reason, never raise."""
    log.error("article %s dead-lettered: %s", payload.get("id"), reason)
    DeadLetters(redis_client()).add(payload, reason, attempts)
    StatusStore(redis_client()).set(payload["id"], "failed", error=reason)


@app.task(name=PROCESS_TASK, bind=True, acks_late=True, max_retries=5)
def process_article(self: Task, payload: dict[str, Any]) -> None:
    statuses = StatusStore(redis_client())
    statuses.set(payload["id"], "processing")
    try:
        article = normalize(payload)
    except Exception as exc:  # noqa: BLE001 - a poison article must not kill the worker
        fail(payload, f"normalize: {type(exc).__name__}: {exc}", self.request.retries + 1)
        return
    errors = bulk_index(es(), get_settings().index_alias, [article])
    if errors:
        fail(payload, f"index: {errors[article.id]}", self.request.retries + 1)
        return
    statuses.set(article.id, "indexed")
    log.info("article %s indexed", article.id)
