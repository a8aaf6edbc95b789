"""The indexer's topic step (services/indexer/topics.py) on the real node and Redis: a written batch is matched, its
match staged in the outbox, and where its time went is told step by step on the indexer's /metrics."""

from __future__ import annotations

import uuid

import pytest
from prometheus_client import REGISTRY

from services.indexer.batch import Item
from services.indexer.topics import TopicStep
from services.search.topic_params import checked_query
from shared.es.client import make_client
from shared.es.index import drop_namespace, ensure_index
from shared.es.indexer import bulk_index_documents
from shared.redis_client import connect
from shared.settings import Settings
from shared.topics.store import TopicStore
from tests.integration.test_match_plugin import article

STEPS = ("refresh", "engine", "transport", "record")  # the match plugin's way


def observed() -> dict[str, float]:
    name = "newsroom_topic_match_step_seconds_count"
    return {step: REGISTRY.get_sample_value(name, {"step": step}) or 0.0 for step in STEPS}


def test_a_batch_s_matching_is_told_step_by_step() -> None:
    settings = Settings(namespace=f"test-step-{uuid.uuid4().hex[:6]}", topic_verify="plugin")
    es, client = make_client(settings), connect(settings)
    alias = ensure_index(es, settings)
    try:
        query = {"q": "flooding"}
        TopicStore(client, settings).create("floods", query, checked_query(query), None, None)
        doc = article("s1", "Floods in Cairo", "Heavy rain flooded the streets overnight.")
        bulk_index_documents(es, alias, [doc])
        before = observed()
        assert TopicStep(client, settings).run(es, [Item("m1", {"doc": doc, "meta": {"version_ms": 1}})], {"s1": doc}) == 1
        after = observed()
        assert {step: after[step] - before[step] for step in STEPS} == dict.fromkeys(STEPS, 1.0)
    finally:
        drop_namespace(es, alias)
        for key in client.scan_iter(f"{settings.redis_key()}*"):
            client.delete(key)


def refreshes() -> dict[str, float]:
    name = "newsroom_topic_match_refreshes_total"
    return {answer: REGISTRY.get_sample_value(name, {"refreshed": answer}) or 0.0 for answer in ("yes", "no")}


@pytest.mark.parametrize("way", ["plugin", "msearch"])
def test_a_batch_the_bulk_write_left_searchable_is_matched_without_a_refresh_of_its_own(way: str) -> None:
    """With topics, the indexer's bulk write waits for the scheduled refresh (ADR 0034): the batch is then matched as
    that refresh left it, whichever way, and the step says so on /metrics."""
    settings = Settings(
        namespace=f"test-wait-{uuid.uuid4().hex[:6]}", topic_verify=way, topic_match_after_refresh=True, indexer_concurrency=8
    )
    es, client = make_client(settings), connect(settings)
    alias = ensure_index(es, settings)
    try:
        step = TopicStep(client, settings)
        assert not step.waits_for_refresh()  # no topics known yet: nothing to wait for
        query = {"q": "flooding"}
        TopicStore(client, settings).create("floods", query, checked_query(query), None, None)
        first, second = (article(f"r{n}", "Floods in Cairo", f"Heavy rain flooded the streets, day {n}.") for n in (1, 2))
        bulk_index_documents(es, alias, [first], {"r1": 5})
        before = refreshes()
        assert step.run(es, [Item("m1", {"doc": first, "meta": {"version_ms": 5}})], {"r1": first}) == 1
        assert step.waits_for_refresh()  # topics now: the next bulk write waits
        assert refreshes()["yes"] - before["yes"] == 1  # written without waiting: refreshed to be read
        bulk_index_documents(es, alias, [second], {"r2": 6}, until_searchable=True)
        before = refreshes()
        assert step.run(es, [Item("m2", {"doc": second, "meta": {"version_ms": 6}})], {"r2": second}, searchable=True) == 1
        assert refreshes() == {"yes": before["yes"], "no": before["no"] + 1}
    finally:
        drop_namespace(es, alias)
        for key in client.scan_iter(f"{settings.redis_key()}*"):
            client.delete(key)


def test_by_default_the_bulk_write_does_not_wait_for_the_refresh() -> None:
    settings = Settings(namespace=f"test-nowait-{uuid.uuid4().hex[:6]}")
    es, client = make_client(settings), connect(settings)
    alias = ensure_index(es, settings)
    try:
        query = {"q": "flooding"}
        TopicStore(client, settings).create("floods", query, checked_query(query), None, None)
        step = TopicStep(client, settings)
        step.matcher(es)
        assert not step.waits_for_refresh()
    finally:
        drop_namespace(es, alias)
        for key in client.scan_iter(f"{settings.redis_key()}*"):
            client.delete(key)
