"""The matcher is rebuilt after every topic change; it compiles again only the topics that changed. A batch the match
plugin cannot take is verified by msearch from the same candidates."""

from __future__ import annotations

from typing import Any, cast

import pytest
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig
from elasticsearch import ApiError, Elasticsearch

from shared.analysis.languages import stemmer_of
from shared.topics.matcher import Matcher
from shared.topics.stems import EngineStems, Learned
from shared.topics.verification import PluginMissing


class Unstemmed:
    """Stands in for the engine's stems (tests/integration/test_topic_candidates.py asks the real ones): each word its
    own stem. Counts the words asked, which a rebuild must not ask again."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def learn(self, wanted: dict[str, set[str]]) -> Learned:
        self.asked += sorted({w for words in wanted.values() for w in words})
        return {str(stemmer_of(code)): {w: (w,) for w in words} for code, words in wanted.items()}


STEMS = cast(EngineStems, Unstemmed())


def topic(topic_id: str, q: str, updated_at: str = "2026-12-02T08:00:00Z") -> dict[str, Any]:
    return {"id": topic_id, "updated_at": updated_at, "match": {"q": q, "filters": {}}}


def test_a_rebuild_reuses_what_did_not_change_and_compiles_what_did() -> None:
    stems = Unstemmed()
    first = Matcher.build(1, [topic("a", "flood"), topic("b", "election")], cast(EngineStems, stems))
    assert [r.topic for r in first.index.requirements] == [0, 1]
    changed = [topic("a", "flood"), topic("b", "strike", "2026-12-02T09:00:00Z"), topic("c", "rail")]
    second = Matcher.build(2, changed, cast(EngineStems, stems), first)
    assert second.compiled[("a", "2026-12-02T08:00:00Z")] is first.compiled[("a", "2026-12-02T08:00:00Z")]
    assert second.params[1].q == "strike"
    assert [r.topic for r in second.index.requirements] == [0, 1, 2]
    assert len(second.compiled) == 3 and len(second.requirements) == 3  # the old version of b is forgotten
    assert stems.asked == ["election", "flood", "rail", "strike"]  # only the new topics' words asked again


def test_the_candidate_index_is_built_only_for_a_batch_that_goes_by_msearch() -> None:
    stems = Unstemmed()
    matcher = Matcher.build(1, [topic("a", "flood"), topic("b", "election")], cast(EngineStems, stems))
    assert matcher.topic_set.clauses and stems.asked == []  # the plugin's way needs no stems and no index
    assert "index" not in vars(matcher)
    found = matcher.match(cast(Elasticsearch, NoPluginHere()), "articles", [FLOOD], 50)
    assert [(t["id"], d["id"]) for t, d in found] == [("a", "d1")]
    assert {"election", "flood"} <= set(stems.asked)  # with the batch's own words


def test_a_record_without_a_match_is_left_out() -> None:
    assert Matcher.build(1, [{"id": "x"}, topic("a", "flood")], STEMS).topics == [topic("a", "flood")]


FLOOD = {"id": "d1", "title": "Flood in the valley", "body": "The river rose.", "language": "en"}


class NoPluginHere:
    """A cluster whose node has no match plugin (`no handler found`), whose msearch finds each topic's candidates."""

    def __init__(self) -> None:
        self.msearches: list[list[dict[str, Any]]] = []
        self.refreshed = 0
        self.indices = self

    def perform_request(self, method: str, path: str, **_: Any) -> Any:
        meta = ApiResponseMeta(400, "1.1", HttpHeaders(), 0.0, NodeConfig("http", "localhost", 9200))
        raise ApiError(f"no handler found for uri [{path}] and method [{method}]", meta, {"error": "no handler found"})

    def refresh(self, **_: Any) -> None:
        self.refreshed += 1

    def msearch(self, searches: list[dict[str, Any]]) -> dict[str, Any]:
        self.msearches.append(searches)
        bodies = searches[1::2]
        return {"responses": [{"hits": {"hits": self.hits(body)}} for body in bodies]}

    @staticmethod
    def hits(body: dict[str, Any]) -> list[dict[str, Any]]:
        clauses = body["query"]["constant_score"]["filter"]["bool"]["should"]
        return [
            {"_id": i, "matched_queries": [c["bool"]["_name"]]} for c in clauses for i in c["bool"]["filter"][-1]["ids"]["values"]
        ]


def test_a_batch_the_plugin_cannot_take_is_verified_by_msearch_from_the_same_candidates() -> None:
    matcher = Matcher.build(1, [topic("a", "flood"), topic("b", "election")], STEMS)
    counted = matcher.index.candidates
    calls: list[int] = []
    matcher.index.candidates = lambda docs, stems: calls.append(1) or counted(docs, stems)  # type: ignore[method-assign]
    cluster, told = NoPluginHere(), list[PluginMissing]()
    docs = [FLOOD]
    es = cast(Elasticsearch, cluster)
    found = matcher.match(es, "articles", docs, 50, in_engine=True, plugin_missing=told.append)
    assert [(t["id"], d["id"]) for t, d in found] == [("a", "d1")]
    assert len(told) == 1 and len(cluster.msearches) == 1 and cluster.refreshed == 1
    assert calls == [1]  # the candidates were found once, and verified the other way
    with pytest.raises(PluginMissing):  # with no one to tell, the caller decides
        matcher.match(es, "articles", docs, 50, in_engine=True)
