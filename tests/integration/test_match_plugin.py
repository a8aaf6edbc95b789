"""Our match plugin (infra/elasticsearch/match-plugin) on the real node: `POST /<index>/_newsroom_match` finds among
the documents it is sent what a search of the index would find among them, without their being in the index at all;
it answers a careless request with a 400 naming the part, and a query the index refuses with an error under its name
while the other queries still match."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from elasticsearch import ApiError, Elasticsearch

from shared.analysis.document import search_fields
from shared.es.client import make_client
from shared.es.index import drop_namespace, ensure_index
from shared.es.queries import topic_match_body, topic_params
from shared.settings import Settings
from shared.topics.matcher import Matcher
from shared.topics.stems import EngineStems
from shared.topics.verification import JSON, PluginMissing, plugin_on_every_node, topic_source
from tests.integration.test_topic_area import BOXES, CIRCLES, places


@pytest.fixture(scope="module")
def node() -> Iterator[tuple[Elasticsearch, str]]:
    settings = Settings(namespace=f"test-match-{uuid.uuid4().hex[:6]}")
    es = make_client(settings)
    yield es, ensure_index(es, settings)
    drop_namespace(es, settings.index_alias)


def article(i: str, title: str, body: str, language: str = "en", **more: Any) -> dict[str, Any]:
    doc = {"id": i, "title": title, "body": body, "language": language, **more}
    return doc | search_fields(doc)


def ask(es: Elasticsearch, index: str, docs: list[dict[str, Any]], queries: dict[str, Any]) -> dict[str, Any]:
    body = {"docs": [{"_id": d["id"], "_source": topic_source(d)} for d in docs], "queries": queries}
    return dict(es.perform_request("POST", f"/{index}/_newsroom_match", headers=JSON, body=body).body)


def status_of(es: Elasticsearch, index: str, body: dict[str, Any]) -> tuple[int, str]:
    with pytest.raises(ApiError) as refused:
        es.perform_request("POST", f"/{index}/_newsroom_match", headers=JSON, body=body)
    return refused.value.meta.status, str(refused.value.body)


def test_every_node_of_ours_has_the_plugin(node: tuple[Elasticsearch, str]) -> None:
    assert plugin_on_every_node(node[0])  # install.sh built and installed it: the indexer will use it


def test_documents_never_written_are_matched_as_a_search_would_match_them(node: tuple[Elasticsearch, str]) -> None:
    es, alias = node
    docs = [
        article("f1", "Floods in Cairo", "Heavy rain flooded the streets of the city overnight."),
        article("f2", "Hochwasser in Köln", "Die Überschwemmung der Altstadt.", "de"),
        article("f3", "Budget vote", "The council approved the budget.", source="Wire"),
    ]
    queries = {
        "stemmed": {"simple_query_string": {"query": "flooding", "fields": ["lang.english.*"]}},
        "german": {"simple_query_string": {"query": "Überschwemmungen", "fields": ["lang.german.*"]}},
        "facet": {"terms": {"source.keyword": ["Wire"]}},
        "none": {"match": {"title": "earthquake"}},
    }
    answer = ask(es, alias, docs, queries)
    assert answer["matches"] == {"stemmed": ["f1"], "german": ["f2"], "facet": ["f3"]}
    assert answer["errors"] == {} and answer["docs"] == 3 and answer["queries"] == 4
    assert es.count(index=alias)["count"] == 0  # nothing was written: the plugin read only the request


def test_a_refused_query_is_reported_by_name_and_the_others_still_match(node: tuple[Elasticsearch, str]) -> None:
    es, alias = node
    docs = [article("r1", "Strike at the port", "Dockers walked out.")]
    queries = {
        "geo_on_text": {"geo_distance": {"distance": "5km", "title": {"lat": 1.0, "lon": 2.0}}},
        "good": {"match": {"title": "strike"}},
    }
    answer = ask(es, alias, docs, queries)
    assert answer["matches"] == {"good": ["r1"]}
    assert list(answer["errors"]) == ["geo_on_text"] and "title" in answer["errors"]["geo_on_text"]


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"docs": [], "queries": {}, "size": 3}, "[size]"),
        ({"docs": [{"_id": "x"}], "queries": {}}, "[docs.0]"),
        ({"docs": [{"_id": 5, "_source": {}}], "queries": {}}, "[docs.0._id]"),
        ({"docs": {}, "queries": {}}, "[docs]"),
        ({"docs": [], "queries": {"q": {"no_such_query": {}}}}, "no_such_query"),
        ({"docs": [{"_id": str(n), "_source": {}} for n in range(2001)], "queries": {}}, "newsroom_match.max_docs"),
    ],
    ids=["unknown field", "no _source", "_id not a string", "docs not a list", "unknown query", "too many docs"],
)
def test_a_careless_request_is_a_400_naming_the_part(node: tuple[Elasticsearch, str], body: dict[str, Any], named: str) -> None:
    status, text = status_of(node[0], node[1], body)
    assert status == 400 and named in text


def test_an_unknown_index_is_a_404(node: tuple[Elasticsearch, str]) -> None:
    status, text = status_of(node[0], f"no-such-{uuid.uuid4().hex[:6]}", {"docs": [], "queries": {}})
    assert status == 404 and "index_not_found" in text


def test_a_closed_index_is_a_400(node: tuple[Elasticsearch, str]) -> None:
    es = node[0]
    alias = ensure_index(es, Settings(namespace=f"test-closed-{uuid.uuid4().hex[:6]}"))
    try:
        es.indices.close(index=alias)
        status, text = status_of(es, alias, {"docs": [], "queries": {}})
        assert status == 400 and "closed" in text
    finally:
        drop_namespace(es, alias)


def test_a_node_without_a_shard_of_the_index_says_so_and_the_batch_is_verified_by_msearch(
    node: tuple[Elasticsearch, str],
) -> None:
    """A node that holds no shard of the index (here: none does, its allocation asks for a node that is not there)
    has no mapping to parse the documents with: it answers a 400 saying so, and the matcher raises PluginMissing,
    on which the indexer verifies that batch by msearch (services/indexer/topics.py)."""
    es, alias = node
    nowhere = f"test-unallocated-{uuid.uuid4().hex[:6]}"
    es.indices.create(
        index=nowhere, settings={"index.routing.allocation.require._name": "no-such-node"}, wait_for_active_shards="0"
    )
    try:
        status, text = status_of(es, nowhere, {"docs": [], "queries": {}})
        assert status == 400 and "no shard of" in text
        matcher = Matcher.build(1, [{"id": "t", "match": {"q": "floods", "filters": {}}}], EngineStems(es, alias))
        with pytest.raises(PluginMissing):
            matcher.match(es, nowhere, [article("c1", "Floods", "The river flooded.")], 10, in_engine=True)
    finally:
        es.indices.delete(index=nowhere)


def geo_matches(es: Elasticsearch, alias: str, match: dict[str, Any], docs: list[dict[str, Any]]) -> set[str]:
    clause = topic_match_body(topic_params(match), [d["id"] for d in docs])["query"]
    return set(ask(es, alias, docs, {"t": clause})["matches"].get("t", []))


def test_points_at_the_edge_of_a_circle_or_box_are_kept_exactly_as_a_search_keeps_them(node: tuple[Elasticsearch, str]) -> None:
    es, alias = node
    docs = [{"id": f"p{n}", "title": "x", "location": {"geo": {"lat": lat, "lon": lon}}} for n, (lat, lon) in enumerate(places())]
    settings = Settings(namespace=f"test-edge-{uuid.uuid4().hex[:6]}")
    written = ensure_index(es, settings)
    try:
        for d in docs:
            es.index(index=written, id=d["id"], document=d)
        es.indices.refresh(index=written)
        areas = [{"near": near, "within": within} for near, within in CIRCLES] + [{"bbox": box} for box in BOXES]
        for area in areas:
            match = {"q": "", "filters": {}} | area
            body = topic_match_body(topic_params(match), [d["id"] for d in docs])
            searched = {hit["_id"] for hit in es.search(index=written, body=body)["hits"]["hits"]}
            assert len(searched) >= 8
            assert geo_matches(es, alias, match, docs) == searched, area
    finally:
        drop_namespace(es, written)
