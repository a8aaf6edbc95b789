"""The indexer's topic step (services/indexer/topics.py) on the real node and Redis: a written batch is matched, its new
match recorded, and where its time went is told step by step on the indexer's /metrics."""

from __future__ import annotations

import uuid

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
