"""Topics are filed under their rarest need, as the index counts its articles (shared/topics/rarity.py): an article
that holds only a topic's common word never meets it, and what is found stays what the topics match."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from elasticsearch import helpers

from services.indexer import topics as topics_step
from services.indexer.topics import TopicStep
from services.search.topic_params import checked_query
from shared.analysis.document import search_fields
from shared.es.client import make_client
from shared.es.index import drop_namespace, ensure_index
from shared.redis_client import connect
from shared.settings import Settings
from shared.topics import rarity
from shared.topics.candidates import CandidateIndex, doc_texts, doc_view, query_words, requirement
from shared.topics.rarity import EngineCounts
from shared.topics.stems import EngineStems
from shared.topics.store import TopicStore

NAMESPACE = f"test-rarity-{uuid.uuid4().hex[:6]}"


@pytest.fixture()
def index() -> Iterator[tuple[Any, str]]:
    settings = Settings(namespace=NAMESPACE)
    es = make_client(settings)
    alias = ensure_index(es, settings)
    yield es, alias
    drop_namespace(es, alias)


def write(es: Any, alias: str, start: int, count: int, rare_every: int) -> None:
    """`count` articles that all say "government", one in `rare_every` also "Tokayev"."""
    bodies = ("government met" + (" Tokayev" if n % rare_every == 0 else "") for n in range(start, start + count))
    helpers.bulk(es, ({"_index": alias, "_id": f"a{start + n}", "id": f"a{start + n}", "body": b} for n, b in enumerate(bodies)))
    es.indices.refresh(index=alias)


def article(doc_id: str, title: str) -> dict[str, Any]:
    d: dict[str, Any] = {"id": doc_id, "title": title, "body": "", "language": "en"}
    return d | search_fields(d)


def test_counts_are_the_index_document_frequencies_and_asked_again_as_it_grows(index: tuple[Any, str]) -> None:
    es, alias = index
    counts = EngineCounts(es, alias)
    write(es, alias, 0, rarity.MIN_ARTICLES - 1, rare_every=10)
    assert counts.learn({"government"}) == {}  # too young an index to say anything
    write(es, alias, rarity.MIN_ARTICLES - 1, 1, rare_every=10)
    assert dict(counts.learn({"government", "tokayev", "never"})) == {"government": 100, "tokayev": 10, "never": 0}
    write(es, alias, 100, 50, rare_every=10)
    assert counts.learn({"government"})["government"] == 100  # remembered: not asked again before the index doubles
    write(es, alias, 150, 50, rare_every=10)
    assert counts.learn({"government"})["government"] == 200


def test_counts_of_an_index_that_cannot_answer_are_none_and_never_raise() -> None:
    settings = Settings(namespace=f"test-rarity-{uuid.uuid4().hex[:6]}")
    assert EngineCounts(make_client(settings), "no-such-index").learn({"government"}) == {}


def test_a_topic_is_filed_under_its_rarest_word_and_its_matches_stay_found(index: tuple[Any, str]) -> None:
    es, alias = index
    stems = EngineStems(es, alias)
    topics = [{"q": "government Tokayev", "filters": {}}, {"q": '"prime minister said"', "filters": {}}]
    learned = stems.learn(query_words(topics))
    reqs = [requirement(i, t, learned) for i, t in enumerate(topics)]
    docs = [article("common", "Government and prime minister"), article("both", "Government: Tokayev, prime minister said")]
    views = [doc_view(d, stems.learn({"en": {w for text in doc_texts(d) for w in text}})) for d in docs]

    by_count = CandidateIndex.of(reqs, {"government": 5_000, "govern": 5_000, "tokayev": 3})
    assert [r.topic for r in by_count.met(views[0])] == []  # neither Tokayev nor the whole phrase: nothing to check
    assert sorted(r.topic for r in by_count.met(views[1])) == [0, 1]
    assert by_count.candidates(docs, stems) == {0: ["both"], 1: ["both"]}

    assert ("prime", "minister", "said") in by_count.filed[()]  # a phrase of three: under itself, not under a pair

    by_length = CandidateIndex.of(reqs, {})  # no counts: the longest word, met by the article without Tokayev
    assert [r.topic for r in by_length.met(views[0])] == [0]
    assert by_length.candidates(docs, stems) == {0: ["both"], 1: ["both"]}


def test_the_indexer_files_unchanged_topics_again_after_a_while(index: tuple[Any, str], monkeypatch: Any) -> None:
    es, _ = index
    settings = Settings(namespace=NAMESPACE)
    client = connect(settings)
    try:
        query = {"q": "government Tokayev"}
        TopicStore(client, settings).create("t1", query, checked_query(query), None, None)
        step = TopicStep(client, settings)
        first = step.matcher(es)
        assert step.matcher(es) is first  # nothing changed
        monkeypatch.setattr(topics_step, "REFILE_S", -1.0)
        again = step.matcher(es)
        assert again is not first and again.compiled == first.compiled  # filed again, nothing compiled again
    finally:
        for key in client.scan_iter(f"{settings.namespace}:*"):
            client.delete(key)
