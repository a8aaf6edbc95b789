"""Topic matching against the real engine: the candidate index plus Elasticsearch finds exactly what running every
topic's search on every article of the batch finds (the index may only save work, never lose a match), whichever
way Elasticsearch verifies the candidates: our match plugin on the unrefreshed batch, or an msearch."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from shared.analysis.document import search_fields
from shared.es.index import drop_namespace, ensure_index
from shared.es.queries import topic_match_body, topic_params
from shared.settings import Settings
from shared.topics.matcher import Matcher
from shared.topics.stems import EngineStems
from tests.stack import Stack

WORDS = {
    "en": ["flood", "floods", "flooding", "river", "council", "election", "votes", "bridge", "strike", "don't", "U.S."],
    "de": ["Hochwasser", "Wahlen", "Brücke", "Streik", "Rat", "Flüsse"],
    "fr": ["inondations", "élection", "pont", "grève", "conseil"],
}
CITIES = [
    ("Astana", "Kazakhstan", "KZ", 51.17, 71.43),
    ("Berlin", "Germany", "DE", 52.52, 13.40),
    ("Lyon", "France", "FR", 45.76, 4.84),
]


def article(n: int, rng: random.Random) -> dict[str, Any]:
    language = rng.choice(sorted(WORDS))
    text = lambda k: " ".join(rng.choice(WORDS[language] + WORDS["en"][:3]) for _ in range(k))  # noqa: E731
    city, country, code, lat, lon = rng.choice(CITIES)
    doc: dict[str, Any] = {
        "id": f"a{n}",
        "title": text(4),
        "body": text(30) + (" 東京都の大雨" if n % 9 == 0 else ""),
        "language": language,
        "source": rng.choice(["Wire", "Daily"]),
        "location": {"city": city, "country": country, "country_code": code, "geo": {"lat": lat, "lon": lon}},
    }
    doc.update(search_fields(doc))
    return doc


def topics(rng: random.Random) -> list[dict[str, Any]]:
    vocabulary = [w for ws in WORDS.values() for w in ws] + ["astana", "snow", "東京"]
    queries = [rng.choice(vocabulary) for _ in range(60)]
    queries += [f"{rng.choice(vocabulary)} {rng.choice(vocabulary)}" for _ in range(60)]
    queries += [f"{rng.choice(vocabulary)} OR {rng.choice(vocabulary)}" for _ in range(30)]
    queries += [f"{rng.choice(vocabulary)} -{rng.choice(vocabulary)}" for _ in range(30)]
    queries += [f'"{rng.choice(vocabulary)} {rng.choice(vocabulary)}"' for _ in range(20)]
    queries += [f'"{" ".join(rng.choice(WORDS["en"][:4]) for _ in range(3))}"' for _ in range(20)]  # whole, not pairs
    common = WORDS["en"][:4]
    pair = lambda words: f'"{rng.choice(words)} {rng.choice(words)}"'  # noqa: E731
    queries += [f"{pair(vocabulary)} | {rng.choice(vocabulary)}" for _ in range(20)]  # alternatives: a phrase or a word
    queries += [f"{pair(common)} | {pair(vocabulary)}" for _ in range(10)]
    queries += ["flo*", "-flood", "snow | -river", "(flood | strike) council", "NOT election", ""]
    found: list[dict[str, Any]] = []
    for i, q in enumerate(queries):
        filters = {"language": [rng.choice(sorted(WORDS))]} if i % 5 == 0 else {}
        if i % 7 == 0:
            filters["country"] = [rng.choice(CITIES)[2]]
        if i % 13 == 0:  # every facet a topic can narrow, so that the plugin is sent every field they read
            filters["source"] = [rng.choice(["Wire", "Daily"])]
        if i % 17 == 0:
            filters["location"] = [rng.choice(CITIES)[0]]
        match = {"q": q, "filters": filters}
        if i % 11 == 0:
            match.update(near=[52.5, 13.4], within="100km")
        if i % 19 == 0:
            match.update(bbox=[53.0, 4.0, 45.0, 14.0])
        found.append({"id": f"t{i}", "match": match})
    return found


@pytest.fixture
def alias(stack: Stack) -> Iterator[str]:
    settings = Settings(namespace=f"{stack.namespace}-topics{uuid.uuid4().hex[:4]}")
    ensure_index(stack.es, settings)
    yield settings.index_alias
    drop_namespace(stack.es, settings.index_alias)


def every_topic_on_every_article(
    stack: Stack, alias: str, all_topics: list[dict[str, Any]], ids: list[str]
) -> set[tuple[str, str]]:
    searches: list[dict[str, Any]] = []
    for t in all_topics:
        searches += [{"index": alias}, topic_match_body(topic_params(t["match"]), ids)]
    responses = stack.es.msearch(searches=searches)["responses"]
    return {(t["id"], hit["_id"]) for t, r in zip(all_topics, responses, strict=True) for hit in r["hits"]["hits"]}


VERIFY = pytest.mark.parametrize("in_engine", [True, False], ids=["plugin", "msearch"])


def write(stack: Stack, alias: str, docs: list[dict[str, Any]], in_engine: bool) -> None:
    """The batch as the indexer leaves it: written; refreshed only for the msearch, the plugin needs no refresh."""
    for d in docs:
        stack.es.index(index=alias, id=d["id"], document=d, refresh=False)
    if not in_engine:
        stack.es.indices.refresh(index=alias)


@VERIFY
def test_candidates_then_the_engine_find_exactly_what_every_search_finds(stack: Stack, alias: str, in_engine: bool) -> None:
    rng = random.Random(7)
    docs = [article(n, rng) for n in range(150)]
    write(stack, alias, docs, in_engine)
    all_topics = topics(rng)
    matcher = Matcher.build(1, all_topics, EngineStems(stack.es, alias))
    found = {(t["id"], d["id"]) for t, d in matcher.match(stack.es, alias, docs, 50, in_engine=in_engine, refresh=False)}
    stack.es.indices.refresh(index=alias)
    expected = every_topic_on_every_article(stack, alias, all_topics, [d["id"] for d in docs])
    assert len(expected) > 500  # the topics do match: the comparison means something
    assert found == expected
    assert len(matcher.index.always) < len(all_topics) / 5  # and most topics were filed under a key


@VERIFY
def test_a_refused_topic_search_is_skipped_and_the_others_still_match(stack: Stack, alias: str, in_engine: bool) -> None:
    docs = [article(n, random.Random(n)) for n in range(5)]
    write(stack, alias, docs, in_engine)
    good = {"id": "good", "match": {"q": "", "filters": {}}}
    bad = {"id": "bad", "match": {"q": "", "filters": {}, "near": [52.5, 13.4], "within": "-5km"}}  # refused by the engine
    matcher = Matcher.build(1, [bad, good], EngineStems(stack.es, alias))
    found = matcher.match(stack.es, alias, docs, group_size=10, in_engine=in_engine)
    assert {t["id"] for t, _ in found} == {"good"} and len(found) == 5
