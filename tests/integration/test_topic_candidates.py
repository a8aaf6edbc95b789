"""The candidate index never leaves out a topic that could match, and leaves out the ones that cannot. Its stems are
the engine's (shared/topics/stems.py), asked of a real index's analyzers."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from shared.analysis.document import search_fields
from shared.es.client import make_client
from shared.es.index import drop_namespace, ensure_index
from shared.settings import Settings
from shared.topics.candidates import CandidateIndex, Doc, doc_texts, doc_view
from shared.topics.stems import EngineStems


@pytest.fixture(scope="module")
def stems() -> Iterator[EngineStems]:
    settings = Settings(namespace=f"test-candidates-{uuid.uuid4().hex[:6]}")
    es = make_client(settings)
    alias = ensure_index(es, settings)
    yield EngineStems(es, alias)
    drop_namespace(es, alias)


def doc(doc_id: str, title: str, body: str = "", language: str = "en", **extra: Any) -> dict[str, Any]:
    d: dict[str, Any] = {"id": doc_id, "title": title, "body": body, "language": language, **extra}
    d.update(search_fields(d))
    return d


def topic(q: str = "", **filters: list[str]) -> dict[str, Any]:
    return {"q": q, "filters": filters}


def view(d: dict[str, Any], stems: EngineStems) -> Doc:
    return doc_view(d, stems.learn({d["language"]: {w for text in doc_texts(d) for w in text}}))


def candidates(topics: list[dict[str, Any]], docs: list[dict[str, Any]], stems: EngineStems) -> dict[int, list[str]]:
    return CandidateIndex.build(topics, stems).candidates(docs, stems)


FLOOD = doc(
    "a", "Floods close the river road", "Rain kept falling on Astana.", location={"city": "Astana", "country": "Kazakhstan"}
)
ELECTION = doc("b", "Council election results", "The vote count ended late.", language="de")


def test_a_word_finds_its_articles_by_word_or_stem(stems: EngineStems) -> None:
    found = candidates([topic("flooding"), topic("election"), topic("astana")], [FLOOD, ELECTION], stems)
    assert found == {0: ["a"], 1: ["b"], 2: ["a"]}  # flooding ~ floods by stem; the dateline city counts


def test_every_word_of_a_conjunctive_query_is_needed(stems: EngineStems) -> None:
    found = candidates([topic("flood river"), topic("flood election"), topic('"river road" -snow')], [FLOOD, ELECTION], stems)
    assert found == {0: ["a"], 2: ["a"]}


def test_one_word_of_a_disjunctive_query_is_enough(stems: EngineStems) -> None:
    assert candidates([topic("flood OR vote"), topic("snow | hail")], [FLOOD, ELECTION], stems) == {0: ["a", "b"]}


def test_queries_it_cannot_reduce_are_candidates_for_every_article(stems: EngineStems) -> None:
    hard = [topic("flo*"), topic("-flood"), topic("snow | -hail"), topic("東京")]
    found = candidates(hard, [FLOOD, ELECTION], stems)
    assert found == {i: ["a", "b"] for i in range(4)}


def test_filters_are_checked_exactly(stems: EngineStems) -> None:
    topics = [topic(language=["de"]), topic("vote", language=["en"]), topic(location=["Astana"]), topic(location=["astana"])]
    assert candidates(topics, [FLOOD, ELECTION], stems) == {0: ["b"], 2: ["a"]}


def test_a_place_filter_needs_coordinates(stems: EngineStems) -> None:
    placed = doc("c", "Floods", location={"city": "Astana", "geo": {"lat": 51.1, "lon": 71.4}})
    near = {"q": "", "filters": {}, "near": [51.0, 71.0], "within": "50km"}
    assert candidates([near], [FLOOD, placed], stems) == {0: ["c"]}


def test_a_phrase_needs_its_words_side_by_side_as_words_or_stems(stems: EngineStems) -> None:
    apart = doc("c", "The road to the river closed")
    together = doc("d", "Rivers' roads closed", "The river road reopened.")
    stemmed = doc("e", "Flooding rivers roads")
    phrases = [topic('"river road"'), topic('"flooded river"'), topic('"river road"~3')]
    found = candidates(phrases, [apart, together, stemmed], stems)
    assert found == {0: ["d", "e"], 1: ["e"], 2: ["c", "d", "e"]}  # "rivers roads": the stems; with slop: the words


def test_an_article_meets_only_the_topics_on_its_shelves(stems: EngineStems) -> None:
    wire = doc("w", "Flood warning", source="Wire", location={"city": "Astana", "country_code": "KZ"})
    daily = doc("d", "Flood warning", source="Daily", location={"city": "Berlin", "country_code": "DE"})
    topics = [topic("flood", source=["Wire"], country=["KZ"]), topic("flood", source=["Daily", "Wire"]), topic("flood")]
    index = CandidateIndex.build(topics, stems)
    assert sorted(r.topic for r in index.met(view(wire, stems))) == [0, 1, 2]
    assert sorted(r.topic for r in index.met(view(daily, stems))) == [1, 2]  # topic 0's shelf is not one of its own


def test_a_topic_with_many_accepted_values_is_shelved_on_fewer_facets_and_still_found(stems: EngineStems) -> None:
    many = [f"Source {n}" for n in range(40)] + ["Wire"]
    index = CandidateIndex.build([topic("flood", source=many, country=["KZ"])], stems)
    assert list(index.filed) == [(("country", "KZ"),)]  # 41 sources x 1 country is past MAX_SHELVES: the country alone
    wire = doc("w", "Flood warning", source="Wire", location={"city": "Astana", "country_code": "KZ"})
    assert index.candidates([wire], stems) == {0: ["w"]}


def test_words_the_engine_stems_alike_find_each_other_whatever_python_stemmers_say(stems: EngineStems) -> None:
    # Lucene's Snowball follows neither Snowball release: English agrees with 2.2 (emergency/emergent), German with 3
    # (System/Systeme); both Python releases together were needed before the stems came from the engine.
    english = doc("e", "Emergent threats", "A report.")
    german = doc("g", "Das System", "Ein Bericht.", language="de")
    found = candidates([topic("emergency"), topic("Systeme")], [english, german], stems)
    assert found == {0: ["e"], 1: ["g"]}


def test_each_word_gets_its_own_tokens(stems: EngineStems) -> None:
    learned = stems.learn({"en": {"floods", "東京", "running"}, "de": {"häuser"}})
    assert learned["english"]["floods"] == ("flood",)
    assert learned["english"]["running"] == ("run",)
    assert learned["english"]["東京"] == ("東", "京")  # the standard tokenizer: one token per Han character
    assert learned["german"]["häuser"] == ("haus",)


def test_tokens_are_tied_to_their_words_by_utf16_offsets(stems: EngineStems) -> None:
    # The words of one `_analyze` are one text to Java, which counts a character outside the BMP as two.
    script_a = "\U0001d49c"
    asked = dict(stems._ask("english", [script_a, script_a, script_a, script_a, "apples", "floods"]))
    assert asked["apples"] == ("appl",) and asked["floods"] == ("flood",)


def test_words_too_long_for_one_request_and_many_words_are_answered(stems: EngineStems) -> None:
    # The index refuses an `_analyze` of more than 10,000 tokens: requests are cut by characters, and a run of Han
    # characters longer than a request is its own key rather than a refused request that would stall the batch.
    many = {f"word{n}s" for n in range(11_000)}
    huge = "東" * 12_000
    learned = stems.learn({"en": many | {huge}})
    assert learned["english"]["word17s"] == ("word17",)
    assert learned["english"][huge] == (huge,)


def test_a_full_table_starts_again_and_still_answers_every_word_asked(stems: EngineStems, monkeypatch: Any) -> None:
    fresh = EngineStems(stems.es, stems.index)
    monkeypatch.setattr(EngineStems, "LIMIT", 3)
    first = fresh.learn({"en": {"floods", "rivers"}})
    second = fresh.learn({"en": {"floods", "bridges", "roads"}})
    assert second["english"] == {"floods": ("flood",), "bridges": ("bridg",), "roads": ("road",)}  # rivers left
    assert first["english"]["rivers"] == ("river",)  # a table handed out stays whole
