"""Topics held by our match plugin (ADR 0029), on the real node: a topic set registered once with
`PUT /<index>/_newsroom_topics` matches every later batch by `POST /<index>/_newsroom_match {"ids": [...], "topics":
id}`, the batch read where the bulk write put it; a node
that does not hold the set (restarted, the mapping changed, the set pushed out by newer ones) answers 409 and the
matcher registers it again, sending only what the node lacks; a clause the node cannot read or refuses is reported by
its key and the others still match; only the topics whose needs one article of the batch meets are run, a phrase
needing its words side by side."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from elasticsearch import ApiError, Elasticsearch

from shared.es.client import make_client
from shared.es.index import drop_namespace, ensure_index
from shared.es.indexer import bulk_index_documents
from shared.es.queries import topic_params
from shared.settings import Settings
from shared.topics.verification import JSON, EngineTopics, TopicSet, registered
from tests.integration.test_match_plugin import article

CAIRO = {"lat": 30.05, "lon": 31.25}
DOCS = [
    article("f1", "Floods in Cairo", "Heavy rain flooded the streets of the city overnight."),
    article("f2", "Hochwasser in Köln", "Die Überschwemmungen der Altstadt.", "de"),
    article("f3", "Budget vote", "The council approved the budget.", source="Wire", location={"geo": CAIRO}),
]
TOPICS = [
    {"q": "flooding", "filters": {}},  # found as its stem, in English
    {"q": "Überschwemmung", "filters": {}},  # and in German
    {"q": "budget", "filters": {"source": ["Wire"]}},
    {"q": "earthquake", "filters": {}},
    {"q": "", "filters": {"source": ["Wire"]}},  # no words: a candidate for every batch, kept by its filter alone
]
EXPECTED = {0: ["f1"], 1: ["f2"], 2: ["f3"], 4: ["f3"]}


@pytest.fixture(scope="module")
def node() -> Iterator[tuple[Elasticsearch, str]]:
    settings = Settings(namespace=f"test-topics-{uuid.uuid4().hex[:6]}")
    es = make_client(settings)
    alias = ensure_index(es, settings)
    bulk_index_documents(es, alias, DOCS)  # not refreshed: the plugin sees the batch without waiting for a refresh
    yield es, alias
    drop_namespace(es, settings.index_alias)


class Refusals(list[tuple[int, str]]):
    def __call__(self, position: int, why: Any) -> None:
        self.append((position, str(why)))


def topic_set(*matches: dict[str, Any]) -> TopicSet:
    return TopicSet.of([registered(topic_params(match)) for match in matches])


def matched(es: Elasticsearch, alias: str, topics: TopicSet, sent: set[str] | None = None) -> dict[int, list[str]]:
    return EngineTopics(es, alias, Refusals(), set() if sent is None else sent).match(topics, {d["id"]: d for d in DOCS})


def raw(es: Elasticsearch, method: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    return dict(es.perform_request(method, path, headers=JSON, body=body).body)


def status(es: Elasticsearch, method: str, path: str, body: dict[str, Any]) -> int:
    with pytest.raises(ApiError) as refused:
        es.perform_request(method, path, headers=JSON, body=body)
    return int(refused.value.meta.status)


def batch(topics: TopicSet, ids: list[str] | None = None) -> dict[str, Any]:
    return {"ids": [d["id"] for d in DOCS] if ids is None else ids, "topics": topics.id}


def test_an_unknown_set_is_a_409_then_registered_it_matches_every_batch_as_a_search_would(
    node: tuple[Elasticsearch, str],
) -> None:
    es, alias = node
    topics = topic_set(*TOPICS)
    assert status(es, "POST", f"/{alias}/_newsroom_match", batch(topics)) == 409
    assert matched(es, alias, topics) == EXPECTED  # registered on the 409, then matched
    answer = raw(es, "POST", f"/{alias}/_newsroom_match", batch(topics))  # held now: no registration
    assert answer["topics"] == len(TOPICS) and answer["candidates"] < len(TOPICS)  # only the topics its words name ran
    assert answer["found"] == len(DOCS)


def test_only_the_batch_s_live_documents_are_matched(node: tuple[Elasticsearch, str]) -> None:
    """An id not written is not found; an article written again is matched as it is now, not as it was."""
    es, alias = node
    topics = topic_set(*TOPICS)
    matched(es, alias, topics)
    answer = raw(es, "POST", f"/{alias}/_newsroom_match", batch(topics, ["f1", "never-written"]))
    assert answer["found"] == 1 and answer["matches"] == {next(iter(topics.positions)): ["f1"]}
    rewritten = article("f9", "Floods in Cairo", "Heavy rain flooded the streets of the city overnight.")
    bulk_index_documents(es, alias, [rewritten])
    raw(es, "POST", f"/{alias}/_newsroom_match", batch(topics, ["f9"]))  # refreshed: f9's first copy is searchable
    bulk_index_documents(es, alias, [rewritten | article("f9", "Budget vote", "The council met.")])
    answer = raw(es, "POST", f"/{alias}/_newsroom_match", batch(topics, ["f9"]))
    assert answer["found"] == 1 and answer["matches"] == {}  # its first copy, deleted, is not seen


def test_a_set_is_registered_only_once_every_clause_it_names_is_on_the_node(node: tuple[Elasticsearch, str]) -> None:
    es, alias = node
    topics = topic_set(*TOPICS[:3], {"q": "harbour strike", "filters": {}})
    keys = list(topics.clauses)
    answer = raw(es, "PUT", f"/{alias}/_newsroom_topics", {"id": topics.id, "keys": keys, "queries": {}})
    assert not answer["registered"] and set(answer["missing"]) <= set(keys) and answer["missing"]
    assert status(es, "POST", f"/{alias}/_newsroom_match", batch(topics)) == 409
    # A matcher that believes it sent every clause before (another set, another node) sends what the node lacks.
    assert matched(es, alias, topics, sent=set(keys)) == {0: ["f1"], 1: ["f2"], 2: ["f3"]}


def test_a_clause_the_node_cannot_read_or_refuses_is_reported_by_key_and_the_others_match(
    node: tuple[Elasticsearch, str],
) -> None:
    es, alias = node
    good = {"match": {"title": "budget"}}
    queries = {
        "unreadable": {"geo_distance": {"distance": "far", "location": [0, 0]}},
        "refused": {"geo_distance": {"distance": "5km", "title": {"lat": 1.0, "lon": 2.0}}},
        "good": good,
    }
    set_id = f"hand-{uuid.uuid4().hex[:6]}"
    answer = raw(es, "PUT", f"/{alias}/_newsroom_topics", {"id": set_id, "keys": list(queries), "queries": queries})
    assert answer["registered"] and sorted(answer["errors"]) == ["refused", "unreadable"]
    assert "title" in answer["errors"]["refused"]
    found = raw(es, "POST", f"/{alias}/_newsroom_match", batch(topic_set()) | {"topics": set_id})
    assert found["matches"] == {"good": ["f3"]}


def test_a_set_matches_only_its_own_topics_while_older_sets_are_still_held(node: tuple[Elasticsearch, str]) -> None:
    es, alias = node
    older, newer = topic_set(*TOPICS), topic_set(TOPICS[3])
    assert matched(es, alias, older) == EXPECTED
    assert matched(es, alias, newer) == {}  # the older set's floods and budget topics are on the node, not in this set


def test_sets_pushed_out_by_newer_ones_and_a_mapping_change_are_registered_again(node: tuple[Elasticsearch, str]) -> None:
    es, alias = node
    topics, sent = topic_set(*TOPICS), set[str]()
    assert matched(es, alias, topics, sent) == EXPECTED
    for n in range(9):  # more than the node keeps per index (IndexTopics.KEPT_SETS = 8)
        matched(es, alias, topic_set({"q": f"word{n}", "filters": {}}), sent)
    assert status(es, "POST", f"/{alias}/_newsroom_match", batch(topics)) == 409
    assert matched(es, alias, topics, sent) == EXPECTED  # `sent` names every clause: the node says which it lacks
    es.indices.put_mapping(index=alias, meta={"changed": uuid.uuid4().hex})  # a new mapping version
    assert status(es, "POST", f"/{alias}/_newsroom_match", batch(topics)) == 409
    assert matched(es, alias, topics, sent) == EXPECTED


def answered(es: Elasticsearch, alias: str, topics: TopicSet) -> tuple[int, dict[str, list[str]], int]:
    """(topics some article met all the needs of, the matches, topics whose query was run)."""
    matched(es, alias, topics)  # registers the set
    answer = raw(es, "POST", f"/{alias}/_newsroom_match", batch(topics))
    return int(answer["candidates"]), dict(answer["matches"]), int(answer["run"])


@pytest.mark.parametrize(
    ("q", "runs"),
    [
        ('"city overnight"', True),  # f1: "...the streets of the city overnight."
        ('"overnight city"', False),  # both words in f1, not in this order
        ('"rain budget"', False),  # each word in an article, never both in one
        ("rain budget", False),  # all of them needed, and no article has both
        ("rain | budget", True),
    ],
)
def test_a_topic_runs_only_when_one_article_meets_all_its_needs(node: tuple[Elasticsearch, str], q: str, runs: bool) -> None:
    es, alias = node
    candidates, found, _ = answered(es, alias, topic_set({"q": q, "filters": {}}))
    assert candidates == int(runs)
    assert bool(found) == runs  # a topic that runs here finds something: the needs are what the clause asks


@pytest.mark.parametrize(
    ("match", "run"),
    [
        ({"q": '"city overnight"', "filters": {}}, False),  # a phrase: its run is the match
        ({"q": "rain | budget", "filters": {"source": ["Wire"]}}, False),  # words, alternatives and a source
        ({"q": "", "filters": {"source": ["Wire"]}}, False),
        ({"q": "budget -vote", "filters": {}}, True),  # an exclusion: its needs do not say it
        ({"q": "budg*", "filters": {}}, True),  # a prefix
        ({"q": "budget", "filters": {}, "near": [30.04, 31.24], "within": "50km"}, False),  # a distance: checked alone
        ({"q": "budget -vote", "filters": {}, "near": [30.04, 31.24], "within": "50km"}, True),  # and an exclusion
    ],
)
def test_a_topic_its_needs_say_whole_is_matched_without_running_it(
    node: tuple[Elasticsearch, str], match: dict[str, Any], run: bool
) -> None:
    """Each of these finds the same articles as a search (test_topic_matching.py compares 256 topics both ways)."""
    es, alias = node
    candidates, found, ran_queries = answered(es, alias, topic_set(match))
    assert candidates == 1 and ran_queries == int(run)
    assert found or run  # a topic matched by its needs matches the article that met them


@pytest.mark.parametrize(("near", "within"), [([48.85, 2.35], "50km"), ([30.04, 31.24], "1m")])
def test_a_topic_s_area_is_checked_before_its_needs_say_it_matches(
    node: tuple[Elasticsearch, str], near: list[float], within: str
) -> None:
    """The article that meets the words (in Cairo) lies outside the area: no match, and no query run."""
    es, alias = node
    in_area = topic_set({"q": "budget", "filters": {}, "near": near, "within": within})
    assert answered(es, alias, in_area) == (1, {}, 0)  # candidates, matches, queries run


RUNS = [
    article("r1", "Bank of England raises rates", "The Bank of England raised its rate again."),
    article("r2", "Fans at the bank", "England fans queued at the bank before the match."),
    article("r3", "New York police", "New York police closed the old York city walls."),
    article("r4", "Council", "The New York City council met."),
    article("r5", "Supporters", "The fans sang for England."),
]


@pytest.fixture(scope="module")
def runs_node() -> Iterator[tuple[Elasticsearch, str]]:
    settings = Settings(namespace=f"test-runs-{uuid.uuid4().hex[:6]}")
    es = make_client(settings)
    alias = ensure_index(es, settings)
    bulk_index_documents(es, alias, RUNS)
    yield es, alias
    drop_namespace(es, settings.index_alias)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ('"bank of england"', ["r1"]),  # r2 holds both words, apart; the stop word's place is kept
        ('"england bank"', []),
        ('"new york city"', ["r4"]),  # r3 holds "new york" and "york city", not in one place
        ('"york city"', ["r3", "r4"]),
        ('"england fans"', ["r2"]),  # r5 holds both words, apart
        ('"bank of england" | "england fans"', ["r1", "r2"]),
    ],
)
def test_a_phrase_matches_the_articles_with_its_words_in_place_and_no_other(
    runs_node: tuple[Elasticsearch, str], q: str, expected: list[str]
) -> None:
    """Every run of a topic set is found from the batch's tokens at once (Runs.java); each finds what a search does."""
    es, alias = runs_node
    topics = topic_set({"q": q, "filters": {}}, {"q": '"council rates"', "filters": {}})  # a second run, in no article
    found = EngineTopics(es, alias, Refusals(), set()).match(topics, {d["id"]: d for d in RUNS})
    assert sorted(found.get(0, [])) == expected
    assert 1 not in found


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"id": "s", "queries": {}}, "[keys]"),
        ({"keys": [], "queries": {}}, "[id]"),
        ({"id": "s", "keys": [5], "queries": {}}, "[keys.0]"),
        ({"id": "", "keys": [], "queries": {}}, "[id]"),
        ({"id": "s", "keys": [], "size": 1}, "[size]"),
    ],
    ids=["no keys", "no id", "a key not a string", "an empty id", "unknown field"],
)
def test_a_careless_registration_is_a_400_naming_the_part(
    node: tuple[Elasticsearch, str], body: dict[str, Any], named: str
) -> None:
    es, alias = node
    with pytest.raises(ApiError) as refused:
        es.perform_request("PUT", f"/{alias}/_newsroom_topics", headers=JSON, body=body)
    assert refused.value.meta.status == 400 and named in str(refused.value.body)


def test_topics_and_queries_in_one_match_request_is_a_400(node: tuple[Elasticsearch, str]) -> None:
    es, alias = node
    body = batch(topic_set(*TOPICS)) | {"queries": {"q": {"match_all": {}}}}
    assert status(es, "POST", f"/{alias}/_newsroom_match", body) == 400
