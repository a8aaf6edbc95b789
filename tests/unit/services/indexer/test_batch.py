"""The indexer's core: one write per article per batch, and every message settled exactly once."""

from __future__ import annotations

from typing import Any

from services.indexer.batch import Item, all_retryable, newest_per_article, settle
from shared.delivery.handover import dead_letter_payload, index_message, retried
from shared.es.indexer import BulkOutcome


def item(ref: str, doc_id: str, version: int, attempts: int = 0) -> Item:
    return Item(ref, {"meta": {"id": doc_id, "version_ms": version, "attempts": attempts}, "doc": {"id": doc_id}})


def refs(items: list[Item]) -> list[str]:
    return [i.ref for i in items]


def test_two_copies_of_one_article_in_a_batch_are_written_once_the_newest() -> None:
    plan = newest_per_article([item("m1", "a", 100), item("m2", "b", 100), item("m3", "a", 300), item("m4", "a", 200)])
    assert sorted(refs(plan.write)) == ["m2", "m3"]
    assert sorted(refs(plan.superseded)) == ["m1", "m4"]


def test_every_message_gets_exactly_one_fate() -> None:
    batch = [item("m1", "a", 1), item("m2", "b", 1), item("m3", "c", 1), item("m4", "d", 1, attempts=8), item("m5", "a", 0)]
    batch.append(item("m6", "e", 1))  # Elasticsearch's answer leaves it out
    plan = newest_per_article(batch)
    outcome = BulkOutcome(
        stored=["a"], superseded=["b"], retryable={"c": "429 rejected", "d": "503 unavailable"}, rejected={"f": "x"}
    )
    result = settle(plan, outcome, max_retries=8)
    assert refs(result.indexed) == ["m1"]
    assert sorted(refs(result.superseded)) == ["m2", "m5"]
    assert [(i.ref, r) for i, r in result.retry] == [("m3", "index: 429 rejected"), ("m6", "index: no answer for this document")]
    assert [(i.ref, r) for i, r in result.failed] == [("m4", "index: 503 unavailable (gave up after 9 attempts)")]
    assert result.count() == len(batch)


def test_the_ledger_is_told_the_newest_version_each_article_reached() -> None:
    plan = newest_per_article([item("m1", "a", 300), item("m2", "a", 100), item("m3", "b", 5), item("m4", "c", 7)])
    result = settle(plan, BulkOutcome(stored=["a"], superseded=["b"], retryable={"c": "429"}), max_retries=8)
    assert result.finished_versions() == {"a": 300, "b": 5}  # a's older copy never lowers it; c is not final


def test_a_refused_document_is_dead_lettered_and_a_failed_request_retries_everything() -> None:
    plan = newest_per_article([item("m1", "a", 1), item("m2", "b", 1)])
    refused = settle(plan, BulkOutcome(stored=["a"], rejected={"b": "400 mapper_parsing_exception"}), max_retries=8)
    assert [(i.ref, r) for i, r in refused.failed] == [("m2", "index: 400 mapper_parsing_exception")]
    down = settle(plan, all_retryable(plan, "ConnectionError: refused"), max_retries=8)
    assert sorted(refs([i for i, _ in down.retry])) == ["m1", "m2"] and not down.indexed


def test_a_handed_over_article_keeps_its_version_and_can_be_replayed_from_its_dead_letter() -> None:
    payload: dict[str, Any] = {
        "id": "abc",
        "kind": "raw",
        "content": "<html>... a page of megabytes ...</html>",
        "accepted_at": "2026-01-01T10:00:00.000Z",
        "request_id": "r1",
    }
    doc = {"id": "abc", "title": "Flood", "body": "Water rose.", "location": {"city": "Astana", "country": "Kazakhstan"}}
    message = index_message(payload, doc)
    assert message["meta"] == {
        "id": "abc",
        "accepted_at": "2026-01-01T10:00:00.000Z",
        "request_id": "r1",
        "version_ms": 1767261600000,
        "attempts": 0,
    }
    assert "content" not in str(message["meta"])  # the heavy original stays behind
    assert retried(retried(message))["meta"]["attempts"] == 2
    replay = dead_letter_payload(message)
    assert replay["kind"] == "article" and replay["version_ms"] == 1767261600000
    assert replay["article"] == {"title": "Flood", "body": "Water rose.", "location": "Astana, Kazakhstan"}
