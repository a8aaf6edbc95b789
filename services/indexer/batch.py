"""The indexer's pure core: which copy of each article a batch writes, and what becomes of each message.

A batch is a list of handed-over messages (shared/delivery/handover.py). Two copies of one article in a batch (a
re-send, a redelivery) are written once, the newest accepted copy; the bulk answer then settles every
message exactly once: indexed (or superseded by a newer copy), retried later, or dead-lettered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shared.es.indexer import BulkOutcome


@dataclass(frozen=True)
class Item:
    """One received message and the reference its consumer settles it by."""

    ref: str
    message: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.message["doc"]["id"])

    @property
    def version(self) -> int:
        return int(self.message["meta"].get("version_ms") or 1)

    @property
    def attempts(self) -> int:
        return int(self.message["meta"].get("attempts") or 0)


@dataclass
class Plan:
    write: list[Item] = field(default_factory=list)  # the newest copy of each article
    superseded: list[Item] = field(default_factory=list)  # older copies of an article written in the same batch


def newest_per_article(items: list[Item]) -> Plan:
    newest: dict[str, Item] = {}
    plan = Plan()
    for item in items:
        kept = newest.get(item.id)
        if kept is None:
            newest[item.id] = item
        elif item.version > kept.version:
            plan.superseded.append(kept)
            newest[item.id] = item
        else:
            plan.superseded.append(item)
    plan.write = list(newest.values())
    return plan


@dataclass
class Settlement:
    indexed: list[Item] = field(default_factory=list)
    superseded: list[Item] = field(default_factory=list)
    retry: list[tuple[Item, str]] = field(default_factory=list)
    failed: list[tuple[Item, str]] = field(default_factory=list)

    def count(self) -> int:
        return len(self.indexed) + len(self.superseded) + len(self.retry) + len(self.failed)

    def finished_versions(self) -> dict[str, int]:
        """Article id → the newest version this batch stored or found superseded (for the in-flight ledger)."""
        finished: dict[str, int] = {}
        for item in self.indexed + self.superseded:
            finished[item.id] = max(item.version, finished.get(item.id, 0))
        return finished


def settle(plan: Plan, outcome: BulkOutcome, max_retries: int) -> Settlement:
    """Route every message of the batch to one fate. A retryable one that has used its attempts is dead-lettered."""
    by_id = {item.id: item for item in plan.write}
    result = Settlement(superseded=list(plan.superseded))
    result.indexed = [by_id[i] for i in outcome.stored if i in by_id]
    result.superseded += [by_id[i] for i in outcome.superseded if i in by_id]
    result.failed += [(by_id[i], f"index: {reason}") for i, reason in outcome.rejected.items() if i in by_id]
    answered = set(outcome.stored) | set(outcome.superseded) | set(outcome.rejected) | set(outcome.retryable)
    # Elasticsearch answered nothing for an article (a truncated reply): it is tried again like a 5xx.
    retryable = {**outcome.retryable, **{i: "no answer for this document" for i in by_id if i not in answered}}
    for doc_id, reason in retryable.items():
        item = by_id[doc_id]
        if item.attempts >= max_retries:
            result.failed.append((item, f"index: {reason} (gave up after {item.attempts + 1} attempts)"))
        else:
            result.retry.append((item, f"index: {reason}"))
    return result


def all_retryable(plan: Plan, reason: str) -> BulkOutcome:
    """The bulk request as a whole failed (Elasticsearch unreachable, a timeout): every article is tried again."""
    return BulkOutcome(retryable={item.id: reason for item in plan.write})
