"""The candidate index never leaves out a topic that could match, and leaves out the ones that cannot."""

from __future__ import annotations

from typing import Any

from shared.analysis.document import search_fields
from shared.topics.candidates import CandidateIndex, doc_view


def doc(doc_id: str, title: str, body: str = "", language: str = "en", **extra: Any) -> dict[str, Any]:
    d: dict[str, Any] = {"id": doc_id, "title": title, "body": body, "language": language, **extra}
    d.update(search_fields(d))
    return d


def topic(q: str = "", **filters: list[str]) -> dict[str, Any]:
    return {"q": q, "filters": filters}


def candidates(topics: list[dict[str, Any]], docs: list[dict[str, Any]]) -> dict[int, list[str]]:
    return CandidateIndex.build(topics).candidates(docs)


FLOOD = doc(
    "a", "Floods close the river road", "Rain kept falling on Astana.", location={"city": "Astana", "country": "Kazakhstan"}
)
ELECTION = doc("b", "Council election results", "The vote count ended late.", language="de")


def test_a_word_finds_its_articles_by_word_or_stem() -> None:
    found = candidates([topic("flooding"), topic("election"), topic("astana")], [FLOOD, ELECTION])
    assert found == {0: ["a"], 1: ["b"], 2: ["a"]}  # flooding ~ floods by stem; the dateline city counts


def test_every_word_of_a_conjunctive_query_is_needed() -> None:
    found = candidates([topic("flood river"), topic("flood election"), topic('"river road" -snow')], [FLOOD, ELECTION])
    assert found == {0: ["a"], 2: ["a"]}


def test_one_word_of_a_disjunctive_query_is_enough() -> None:
    assert candidates([topic("flood OR vote"), topic("snow | hail")], [FLOOD, ELECTION]) == {0: ["a", "b"]}


def test_queries_it_cannot_reduce_are_candidates_for_every_article() -> None:
    hard = [topic("flo*"), topic("-flood"), topic("snow | -hail"), topic("東京")]
    found = candidates(hard, [FLOOD, ELECTION])
    assert found == {i: ["a", "b"] for i in range(4)}


def test_filters_are_checked_exactly() -> None:
    topics = [topic(language=["de"]), topic("vote", language=["en"]), topic(location=["Astana"]), topic(location=["astana"])]
    assert candidates(topics, [FLOOD, ELECTION]) == {0: ["b"], 2: ["a"]}


def test_a_place_filter_needs_coordinates() -> None:
    placed = doc("c", "Floods", location={"city": "Astana", "geo": {"lat": 51.1, "lon": 71.4}})
    near = {"q": "", "filters": {}, "near": [51.0, 71.0], "within": "50km"}
    assert candidates([near], [FLOOD, placed]) == {0: ["c"]}


def test_a_phrase_needs_its_words_side_by_side_as_words_or_stems() -> None:
    apart = doc("c", "The road to the river closed")
    together = doc("d", "Rivers' roads closed", "The river road reopened.")
    stemmed = doc("e", "Flooding rivers roads")
    found = candidates([topic('"river road"'), topic('"flooded river"'), topic('"river road"~3')], [apart, together, stemmed])
    assert found == {0: ["d", "e"], 1: ["e"], 2: ["c", "d", "e"]}  # "rivers roads": the stems; with slop: the words


def test_an_article_meets_only_the_topics_on_its_shelves() -> None:
    wire = doc("w", "Flood warning", source="Wire", location={"city": "Astana", "country_code": "KZ"})
    daily = doc("d", "Flood warning", source="Daily", location={"city": "Berlin", "country_code": "DE"})
    topics = [topic("flood", source=["Wire"], country=["KZ"]), topic("flood", source=["Daily", "Wire"]), topic("flood")]
    index = CandidateIndex.build(topics)
    assert sorted(r.topic for r in index.met(doc_view(wire))) == [0, 1, 2]
    assert sorted(r.topic for r in index.met(doc_view(daily))) == [1, 2]  # topic 0's shelf is not one of its own


def test_a_topic_with_many_accepted_values_is_shelved_on_fewer_facets_and_still_found() -> None:
    many = [f"Source {n}" for n in range(40)] + ["Wire"]
    index = CandidateIndex.build([topic("flood", source=many, country=["KZ"])])
    assert list(index.filed) == [(("country", "KZ"),)]  # 41 sources x 1 country is past MAX_SHELVES: the country alone
    wire = doc("w", "Flood warning", source="Wire", location={"city": "Astana", "country_code": "KZ"})
    assert index.candidates([wire]) == {0: ["w"]}
