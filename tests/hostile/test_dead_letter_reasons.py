"""A dead letter's reason keeps its cause. Reasons are bounded (a Redis record, a status, a log line), but cutting
their tail (`[:500]` of Elasticsearch's answer, `[:1000]` of an exception's text) lost the cause whenever the text
began with a long echo of the input: "failed to parse field [published_at] ... Preview of field's value: 'xxx…"
ended before "Could not fully parse datetime". Now the head and the tail are kept, the middle elided."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from shared.delivery.celery_app import INDEX_TASK, make_celery
from shared.delivery.deadletters import REASON_MAX_CHARS, DeadLetters, bounded_reason
from shared.delivery.handover import index_message
from shared.delivery.status import now_iso
from shared.settings import get_settings
from tests.stack import Stack, wait_until


def test_a_long_reason_keeps_its_head_and_its_tail() -> None:
    reason = "index: 400 document_parsing_exception: " + "x" * 10_000 + " caused by: Could not fully parse datetime"
    bounded = bounded_reason(reason)
    assert len(bounded) <= REASON_MAX_CHARS
    assert bounded.startswith("index: 400 document_parsing_exception: xxx")
    assert bounded.endswith("caused by: Could not fully parse datetime")
    assert bounded_reason("short") == "short"


def test_an_index_rejection_dead_letters_with_elasticsearch_s_cause(stack: Stack) -> None:
    article_id = f"bad-date-{uuid.uuid4().hex}"
    # A document Elasticsearch refuses with a long echo of the value before its cause (hand-made: the normalizer
    # only ever writes dates it parsed).
    doc = {"id": article_id, "title": "Bad date", "body": "Text.", "published_at": "x" * 3000}
    message = index_message({"id": article_id, "accepted_at": now_iso()}, doc)
    make_celery(stack.settings).send_task(INDEX_TASK, args=[[message]])
    assert stack.wait_status(article_id)["status"] == "failed"
    listed = requests.get(f"{stack.ingest_url}/v1/dead-letters", params={"limit": 1000}, timeout=10).json()["items"]
    (reason,) = [item["reason"] for item in listed if item["id"] == article_id]
    assert reason.endswith("Could not fully parse datetime")  # the cause, after 3,000 characters of echo
    assert reason.startswith("index: 400 document_parsing_exception")
    assert len(reason) <= REASON_MAX_CHARS
    assert stack.status(article_id)["error"] == reason


@pytest.fixture
def stack_settings(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    """This process's settings are the stack's (its namespace), for the worker's code called in-process."""
    from services.worker import tasks

    monkeypatch.setenv("NAMESPACE", stack.namespace)
    get_settings.cache_clear()
    tasks.redis_client.cache_clear()
    yield stack
    get_settings.cache_clear()
    tasks.redis_client.cache_clear()


def test_a_normalize_failure_dead_letters_with_the_exception_s_last_words(
    stack_settings: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.worker import tasks

    def failing(payload: dict[str, Any]) -> Any:
        raise ValueError(f"could not read {payload['article']['title']!r}: the date is in no known calendar")

    monkeypatch.setattr(tasks, "normalize", failing)
    article_id = f"long-failure-{uuid.uuid4().hex}"
    payload = {"id": article_id, "kind": "article", "article": {"title": "t" * 3000}, "accepted_at": now_iso()}
    assert tasks.normalize_or_fail(payload, 1) is None
    record = DeadLetters(stack_settings.redis, stack_settings.settings).get(article_id)
    assert record is not None
    reason = record["reason"]
    assert reason.endswith("the date is in no known calendar")  # the cause, after 3,000 characters of echo
    assert reason.startswith("normalize: ValueError: could not read 'ttt")
    assert len(reason) <= REASON_MAX_CHARS
    wait_until(lambda: stack_settings.status(article_id)["status"] == "failed", 10, what="failed status")
