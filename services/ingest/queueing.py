"""Hands accepted articles to Celery; a 202 is answered only after this returned.

Backpressure: before taking new work the service counts the accepted articles not yet indexed or
dead-lettered (the in-flight ledger, shared/delivery/inflight.py) and answers 429 with Retry-After beyond
`QUEUE_MAX_DEPTH`; Redis unreachable is a 503 with Retry-After.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import redis
from celery import Celery
from kombu.exceptions import OperationalError

from shared.delivery import submission
from shared.delivery.status import StatusStore, now_iso
from shared.observability.logs import current_request_id
from shared.observability.queue_metrics import unfinished_articles
from shared.settings import Settings
from shared.web.service import ApiError


class Queue:
    def __init__(self, celery: Celery, statuses: StatusStore, settings: Settings | None = None) -> None:
        self.celery = celery
        self.statuses = statuses
        self.settings = settings or statuses.settings

    def _unavailable(self, exc: Exception) -> ApiError:
        return ApiError(
            503,
            "queue_unavailable",
            f"the queue cannot take articles now: {exc}",
            headers={"Retry-After": str(self.settings.retry_after_s)},
        )

    def depth(self) -> int:
        return unfinished_articles(self.statuses.redis, self.settings)

    def check_capacity(self) -> None:
        """429 when the queue is deeper than the limit, 503 when Redis does not answer."""
        try:
            depth = self.depth()
        except redis.RedisError as exc:
            raise self._unavailable(exc) from exc
        if depth >= self.settings.queue_max_depth:
            raise ApiError(
                429,
                "queue_full",
                f"{depth} articles are waiting to be processed (limit {self.settings.queue_max_depth}); retry later",
                headers={"Retry-After": str(self.settings.retry_after_s)},
            )

    @contextmanager
    def producer(self) -> Iterator[Any]:
        """One broker connection for many submissions (a batch): about a third faster than one each."""
        try:
            with self.celery.producer_or_acquire() as producer:
                yield producer
        except (redis.RedisError, OperationalError) as exc:
            raise self._unavailable(exc) from exc

    def submit(self, payload: dict[str, Any], producer: Any = None) -> dict[str, Any]:
        return self.submit_many([payload], producer)[0]

    def submit_many(self, payloads: list[dict[str, Any]], producer: Any = None) -> list[dict[str, Any]]:
        """Record and send accepted articles (shared/delivery/submission.py); their 202 answers, in order."""
        for payload in payloads:
            payload["accepted_at"] = now_iso()
            payload["request_id"] = current_request_id()  # the worker and indexer log it: one request followed to the index
        try:
            previous = submission.record_accepted(self.statuses.redis, payloads, self.settings)
        except redis.RedisError as exc:
            raise self._unavailable(exc) from exc
        try:
            submission.send(self.celery, self.statuses.redis, payloads, producer, self.settings)
        except (redis.RedisError, OperationalError) as exc:
            raise self._unavailable(exc) from exc
        return [self._answer(p["id"], previous.get(p["id"])) for p in payloads]

    @staticmethod
    def _answer(article_id: str, previous: dict[str, Any] | None) -> dict[str, Any]:
        answer: dict[str, Any] = {"id": article_id, "status": "queued", "status_url": f"/v1/articles/{article_id}"}
        if previous:
            # Sent before: the service already knew this article (same URL or same content); it is stored once.
            answer["previous_status"] = previous.get("status")
        return answer
