"""A batching consumer core (issue 8): many accepted articles, one bulk request. A design, not wired in.

Today each article is one Celery task and one single-document bulk request: Elasticsearch sees
requests of one document, and every article pays a round trip, a refresh-visible write and the task
overhead. The benchmark measures the gap (README "Benchmarks"). This module is the pure part of the cure:
a `Batcher` that gathers messages until `max_docs`, `max_bytes` or `max_wait_s` (whichever comes first)
and `process_batch`, which normalizes each article, writes them all in ONE `bulk_index` call (same
versions, same idempotence as the task) and routes every article to exactly one outcome: acknowledged
(indexed or superseded), retried later (429/5xx), or dead-lettered (normalization failed or the document
was refused). Acknowledgement happens only after the bulk answered, so the 202 promise holds.

Wiring it is the worker owner's call: either a Celery task class that receives lists of requests (the
`celery-batches` package's `Batches`, `flush_every=max_docs`, `flush_interval=max_wait_s`) or a kombu
consumer loop calling `Batcher.add` per message and `Batcher.tick` on a timer; either way with
`acks_late` kept and prefetch at least `max_docs` per process.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from shared.article import NormalizedArticle
from shared.es.indexer import BulkOutcome


@dataclass
class Pending:
    """One received message: its payload and how to settle it."""

    payload: dict[str, Any]
    received_at: float
    size: int = 0  # bytes the payload weighs, for the byte budget


@dataclass(frozen=True)
class BatchPolicy:
    max_docs: int = 500
    max_bytes: int = 5_000_000  # Elasticsearch's sweet spot is a few MB per bulk request
    max_wait_s: float = 0.5  # bounds what batching adds to freshness


class Batcher:
    """Collects messages and hands them to `flush` in batches; never holds one longer than `max_wait_s` (call `tick`)."""

    def __init__(
        self, policy: BatchPolicy, flush: Callable[[list[Pending]], None], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.policy, self.flush, self.clock = policy, flush, clock
        self.items: list[Pending] = []
        self.bytes = 0

    def add(self, payload: dict[str, Any], size: int = 0) -> None:
        self.items.append(Pending(payload, self.clock(), size))
        self.bytes += size
        if len(self.items) >= self.policy.max_docs or self.bytes >= self.policy.max_bytes:
            self.flush_now()

    def tick(self) -> None:
        """Call this often (the consumer's idle loop): flushes a batch whose oldest message waited long enough."""
        if self.items and self.clock() - self.items[0].received_at >= self.policy.max_wait_s:
            self.flush_now()

    def flush_now(self) -> None:
        batch, self.items, self.bytes = self.items, [], 0
        if batch:
            self.flush(batch)


class Settle(Protocol):
    """What the consumer does with each article once its fate is known."""

    def done(self, item: Pending, article_id: str, superseded: bool) -> None: ...
    def retry(self, item: Pending, reason: str) -> None: ...
    def failed(self, item: Pending, reason: str) -> None: ...


IndexFn = Callable[[Iterable[NormalizedArticle], Mapping[str, int]], BulkOutcome]


@dataclass
class BatchResult:
    indexed: int = 0
    superseded: int = 0
    retried: int = 0
    failed: int = 0
    reasons: dict[str, str] = field(default_factory=dict)


def process_batch(
    batch: list[Pending],
    normalize: Callable[[dict[str, Any]], NormalizedArticle],
    index: IndexFn,
    version_of: Callable[[dict[str, Any]], int],
    settle: Settle,
) -> BatchResult:
    """Normalize each, index all in one bulk, settle each article exactly once.

    A connection error of the bulk call propagates with nothing settled: the caller puts the whole batch
    back (indexing is idempotent under the same versions, so writing some twice is harmless).
    """
    result = BatchResult()
    by_id: dict[str, Pending] = {}
    articles: list[NormalizedArticle] = []
    for item in batch:
        try:
            article = normalize(item.payload)
        except Exception as exc:  # noqa: BLE001 - the same input fails the same way: dead-letter it, go on with the rest
            reason = f"normalize: {type(exc).__name__}: {exc}"[:1000]
            settle.failed(item, reason)
            result.failed += 1
            result.reasons[str(item.payload.get("id"))] = reason
            continue
        earlier = by_id.get(article.id)
        if earlier is not None:  # the same article twice in one batch: the newer accepted copy is written
            if version_of(earlier.payload) > version_of(item.payload):
                settle.done(item, article.id, superseded=True)
                result.superseded += 1
                continue
            settle.done(earlier, article.id, superseded=True)
            result.superseded += 1
            articles = [a for a in articles if a.id != article.id]
        by_id[article.id] = item
        articles.append(article)
    if not articles:
        return result
    outcome = index(articles, {a.id: version_of(by_id[a.id].payload) for a in articles})
    for doc_id in outcome.stored:
        settle.done(by_id[doc_id], doc_id, superseded=False)
        result.indexed += 1
    for doc_id in outcome.superseded:
        settle.done(by_id[doc_id], doc_id, superseded=True)
        result.superseded += 1
    for doc_id, reason in outcome.retryable.items():
        settle.retry(by_id[doc_id], f"index: {reason}")
        result.retried += 1
    for doc_id, reason in outcome.rejected.items():
        settle.failed(by_id[doc_id], f"index: {reason}")
        result.failed += 1
        result.reasons[doc_id] = reason
    return result
