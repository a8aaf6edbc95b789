"""Our match plugin (infra/elasticsearch/match-plugin) on the real node, its edges: a careless request is a 400
naming the part; an unknown index a 404, a closed one a 400; a node without a shard of the index says so and the
indexer matches that batch by msearch; and points at the edge of a circle or a box are kept exactly as a search keeps
them (the plugin runs a distance's doc-values half). The topics themselves: test_match_plugin_topics.py."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from elasticsearch import ApiError, Elasticsearch

from shared.analysis.document import search_fields
from shared.es.client import make_client
from shared.es.index import drop_namespace, ensure_index
from shared.es.indexer import bulk_index_documents
from shared.es.queries import topic_match_body, topic_params
from shared.settings import Settings
from shared.topics.matcher import Matcher
from shared.topics.stems import EngineStems
from shared.topics.verification import JSON, EngineTopics, PluginMissing, TopicSet, plugin_on_every_node, registered
from tests.integration.test_topic_area import BOXES, CIRCLES, places
from tests.stack import wait_until


@pytest.fixture(scope="module")
def node() -> Iterator[tuple[Elasticsearch, str]]:
    settings = Settings(namespace=f"test-match-{uuid.uuid4().hex[:6]}")
    es = make_client(settings)
    yield es, ensure_index(es, settings)
    drop_namespace(es, settings.index_alias)


def article(i: str, title: str, body: str, language: str = "en", **more: Any) -> dict[str, Any]:
    doc = {"id": i, "title": title, "body": body, "language": language, **more}
    return doc | search_fields(doc)


def status_of(es: Elasticsearch, index: str, body: dict[str, Any]) -> tuple[int, str]:
    with pytest.raises(ApiError) as refused:
        es.perform_request("POST", f"/{index}/_newsroom_match", headers=JSON, body=body)
    return refused.value.meta.status, str(refused.value.body)


def test_every_node_of_ours_has_the_plugin(node: tuple[Elasticsearch, str]) -> None:
    assert plugin_on_every_node(node[0])  # install.sh built and installed it: the indexer will use it


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"ids": [], "topics": "s", "size": 3}, "[size]"),
        ({"docs": [], "topics": "s"}, "[docs]"),
        ({"ids": {}, "topics": "s"}, "[ids]"),
        ({"ids": [5], "topics": "s"}, "[ids.0]"),
        ({"ids": ["a"]}, "[topics]"),
        ({"ids": ["a"], "topics": ""}, "[topics]"),
        ({"topics": "s"}, "[ids]"),
        ({"ids": [str(n) for n in range(2001)], "topics": "s"}, "newsroom_match.max_docs"),
        ({"ids": ["a", "b"], "versions": [1], "topics": "s"}, "[versions]"),
        ({"ids": ["a"], "versions": ["1"], "topics": "s"}, "[versions.0]"),
        ({"ids": ["a"], "versions": [-1], "topics": "s"}, "[versions.0]"),
        ({"ids": ["a"], "versions": [1.5], "topics": "s"}, "[versions.0]"),
    ],
    ids=[
        "unknown field",
        "docs",
        "ids not a list",
        "id not a string",
        "no topics",
        "empty topics",
        "no ids",
        "too many",
        "versions not one per id",
        "version not a number",
        "version negative",
        "version not whole",
    ],
)
def test_a_careless_request_is_a_400_naming_the_part(node: tuple[Elasticsearch, str], body: dict[str, Any], named: str) -> None:
    status, text = status_of(node[0], node[1], body)
    assert status == 400 and named in text


def test_an_unknown_index_is_a_404(node: tuple[Elasticsearch, str]) -> None:
    status, text = status_of(node[0], f"no-such-{uuid.uuid4().hex[:6]}", {"ids": [], "topics": "s"})
    assert status == 404 and "index_not_found" in text


def test_a_closed_index_is_a_400(node: tuple[Elasticsearch, str]) -> None:
    es = node[0]
    alias = ensure_index(es, Settings(namespace=f"test-closed-{uuid.uuid4().hex[:6]}"))
    try:
        es.indices.close(index=alias)
        status, text = status_of(es, alias, {"ids": [], "topics": "s"})
        assert status == 400 and "closed" in text
    finally:
        drop_namespace(es, alias)


def test_a_node_without_a_shard_of_the_index_says_so_and_the_batch_is_verified_by_msearch(
    node: tuple[Elasticsearch, str],
) -> None:
    """A node that holds no shard of the index (here: none does, its allocation asks for a node that is not there)
    cannot read the batch: it answers a 400 saying so, and the matcher raises PluginMissing, on which the indexer
    matches that batch by msearch (services/indexer/topics.py)."""
    es, alias = node
    nowhere = f"test-unallocated-{uuid.uuid4().hex[:6]}"
    es.indices.create(
        index=nowhere, settings={"index.routing.allocation.require._name": "no-such-node"}, wait_for_active_shards="0"
    )
    try:
        status, text = status_of(es, nowhere, {"ids": [], "topics": "s"})
        assert status == 400 and "no shard of" in text
        matcher = Matcher.build(1, [{"id": "t", "match": {"q": "floods", "filters": {}}}], EngineStems(es, alias))
        with pytest.raises(PluginMissing):
            matcher.match(es, nowhere, [article("c1", "Floods", "The river flooded.")], 10, in_engine=True)
    finally:
        es.indices.delete(index=nowhere)


def test_points_at_the_edge_of_a_circle_or_box_are_kept_exactly_as_a_search_keeps_them(node: tuple[Elasticsearch, str]) -> None:
    es = node[0]
    docs = [{"id": f"p{n}", "title": "x", "location": {"geo": {"lat": lat, "lon": lon}}} for n, (lat, lon) in enumerate(places())]
    settings = Settings(namespace=f"test-edge-{uuid.uuid4().hex[:6]}")
    written = ensure_index(es, settings)
    try:
        bulk_index_documents(es, written, docs)
        es.indices.refresh(index=written)
        areas = [{"near": near, "within": within} for near, within in CIRCLES] + [{"bbox": box} for box in BOXES]
        topics = TopicSet.of([registered(topic_params({"q": "", "filters": {}} | area)) for area in areas])
        found = EngineTopics(es, written, lambda position, why: None, set()).match(topics, {d["id"]: d for d in docs})
        for position, area in enumerate(areas):
            body = topic_match_body(topic_params({"q": "", "filters": {}} | area), [d["id"] for d in docs])
            searched = {hit["_id"] for hit in es.search(index=written, body=body)["hits"]["hits"]}
            assert len(searched) >= 8
            assert set(found.get(position, [])) == searched, area
    finally:
        drop_namespace(es, written)


def held(es: Elasticsearch) -> list[dict[str, Any]]:
    """What the node's plugin holds: an entry per index and mapping it holds topics for."""
    entries: list[dict[str, Any]] = es.perform_request("GET", "/_newsroom_topics").body["indices"]
    return entries


def test_a_node_drops_the_topics_of_an_index_that_leaves_it_or_is_mapped_anew(node: tuple[Elasticsearch, str]) -> None:
    """Topics are held per index in the node's heap (about 240 MB for 10,000 of the benchmark's): a node that lives for
    weeks while indices are rolled out, restored and deleted must not keep those of each one it ever matched for."""
    es = node[0]
    settings = Settings(namespace=f"test-held-{uuid.uuid4().hex[:6]}")
    alias = ensure_index(es, settings)
    index = next(iter(es.indices.get_alias(name=alias)))
    try:
        docs = [article("h1", "Floods in Almaty", "The river rose.")]
        bulk_index_documents(es, alias, docs)
        topics = TopicSet.of([registered(topic_params({"q": word, "filters": {}})) for word in ("floods", "river", "rain")])
        EngineTopics(es, alias, lambda position, why: None, set()).match(topics, {d["id"]: d for d in docs})
        [first] = [entry for entry in held(es) if entry["index"] == index]
        assert first["topics"] == 3
        es.indices.put_mapping(index=alias, properties={f"extra_{uuid.uuid4().hex[:6]}": {"type": "keyword"}})
        EngineTopics(es, alias, lambda position, why: None, set()).match(topics, {d["id"]: d for d in docs})
        versions = [entry["mapping_version"] for entry in held(es) if entry["index"] == index]
        assert versions == [first["mapping_version"] + 1]  # the older mapping's topics are gone
    finally:
        drop_namespace(es, alias)
    # The delete is acknowledged once the cluster state is published; the node drops the topics as it applies it.
    wait_until(lambda: index not in {entry["index"] for entry in held(es)}, 10, what="the deleted index's topics dropped")


def test_a_batch_readable_at_its_versions_is_matched_without_a_refresh_and_an_older_copy_never(
    node: tuple[Elasticsearch, str],
) -> None:
    """A batch the scheduled refresh made readable (or, with TOPIC_MATCH_AFTER_REFRESH, the bulk write waited for) is
    read as that refresh left it (ADR 0034). The plugin must refresh when the batch is not readable yet, above all when
    an older copy of an article is: matching that copy would send the story's old text to the topics."""
    es = node[0]
    settings = Settings(namespace=f"test-fresh-{uuid.uuid4().hex[:6]}")
    alias = ensure_index(es, settings)
    try:
        es.indices.put_settings(index=alias, settings={"refresh_interval": "-1"})  # only the refreshes this test makes
        topics = TopicSet.of([registered(topic_params({"q": q, "filters": {}})) for q in ("harbour strike", "election recount")])
        harbour, election = (key for key, _ in sorted(topics.positions.items(), key=lambda kv: kv[1]))

        def match(ids: list[str], versions: list[int]) -> tuple[bool, dict[str, list[str]]]:
            body = {"ids": ids, "versions": versions, "topics": topics.id}
            answer = es.perform_request("POST", f"/{alias}/_newsroom_match", headers=JSON, body=body).body
            return answer["refreshed"], answer["matches"]

        bulk_index_documents(es, alias, [article("f1", "Docks", "The harbour strike goes on.")], {"f1": 1})
        es.indices.refresh(index=alias)
        EngineTopics(es, alias, lambda position, why: None, set()).match(topics, {"f1": {}})  # registers the set
        assert match(["f1"], [1]) == (False, {harbour: ["f1"]})  # readable as it is: no refresh of its own
        bulk_index_documents(es, alias, [article("f1", "Vote", "An election recount is ordered.")], {"f1": 2})
        assert match(["f1"], [2]) == (True, {election: ["f1"]})  # only version 1 readable: refreshed, version 2 matched
        bulk_index_documents(es, alias, [article("f2", "Docks", "The harbour strike ends.")], {"f2": 7})
        assert match(["f1", "f2"], [2, 7]) == (True, {harbour: ["f2"], election: ["f1"]})  # f2 not readable at all yet
    finally:
        drop_namespace(es, alias)


def test_a_bulk_write_that_waits_for_the_scheduled_refresh_leaves_its_batch_readable(node: tuple[Elasticsearch, str]) -> None:
    es, alias = node
    docs = [article(f"w{n}", "Docks", f"The harbour strike, day {n}.") for n in range(20)]
    versions = {doc["id"]: 3 for doc in docs}
    bulk_index_documents(es, alias, docs, versions, until_searchable=True)
    key, clause = registered(topic_params({"q": "harbour strike", "filters": {}}))
    topics = TopicSet.of([(key, clause)])
    EngineTopics(es, alias, lambda position, why: None, set()).register(topics)
    body = {"ids": list(versions), "versions": list(versions.values()), "topics": topics.id}
    answer = es.perform_request("POST", f"/{alias}/_newsroom_match", headers=JSON, body=body).body
    assert answer["refreshed"] is False  # the bulk returned once the scheduled refresh had made its batch readable
    assert sorted(answer["matches"][key]) == sorted(versions)
