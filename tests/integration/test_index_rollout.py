"""A new mapping rolls out behind the alias without losing a document or a version."""

from __future__ import annotations

import uuid

import pytest
from elasticsearch import ConflictError

from shared.articles.dedup import band_keys, find_duplicates
from shared.es import fields, suggestions
from shared.es.client import make_client
from shared.es.index import MappingOutdated, current_index, drop_namespace, ensure_index, index_settings
from shared.es.migrate import migrate
from shared.es.queries import suggest_body
from shared.settings import Settings


def test_migrate_copies_documents_and_versions_then_swaps_alias() -> None:
    settings = Settings(namespace=f"test-migrate-{uuid.uuid4().hex[:6]}")
    es = make_client(settings)
    alias = ensure_index(es, settings)
    try:
        es.index(index=alias, id="a1", document={"id": "a1", "title": "Kept"}, version=500, version_type="external_gte")
        es.indices.refresh(index=alias)
        before = current_index(es, alias)
        after = migrate(es, settings)
        assert after != before and current_index(es, alias) == after
        assert es.get(index=alias, id="a1")["_source"]["title"] == "Kept"
        try:
            es.index(index=alias, id="a1", document={"id": "a1", "title": "Stale"}, version=100, version_type="external_gte")
            raise AssertionError("an older version was accepted after the rollout")
        except ConflictError:
            pass
        # A field added to the table later reaches the live index in place.
        assert ensure_index(es, settings) == alias
    finally:
        drop_namespace(es, alias)


def test_workers_racing_to_create_the_index_all_succeed() -> None:
    from concurrent.futures import ThreadPoolExecutor

    settings = Settings(namespace=f"test-race-{uuid.uuid4().hex[:6]}")
    es = make_client(settings)
    try:
        with ThreadPoolExecutor(6) as pool:
            aliases = list(pool.map(lambda _: ensure_index(make_client(settings), settings), range(6)))
        assert aliases == [settings.index_alias] * 6
        assert current_index(es, settings.index_alias) == f"{settings.index_alias}-v1"
    finally:
        drop_namespace(es, settings.index_alias)


def test_an_index_of_python_stems_rolls_forward_to_engine_analysis() -> None:
    """An index made before the analysis moved into the engine (its `*_stem` fields, no analyzers) cannot take the
    mapping in place; migrating rewrites each article in today's shape, and stemmed search finds it."""
    settings = Settings(namespace=f"test-stems-{uuid.uuid4().hex[:6]}")
    es = make_client(settings)
    alias = settings.index_alias
    old = {"dynamic": "true", "properties": {"title_stem": {"type": "text", "analyzer": "whitespace"}}}
    es.indices.create(index=f"{alias}-v1", mappings=old, aliases={alias: {"is_write_index": True}})
    try:
        stored = {"id": "a1", "title": "Floods in Almaty", "title_stem": "flood in almati", "language": "en"}
        es.index(index=alias, id="a1", document=stored, refresh=True)
        with pytest.raises(MappingOutdated):
            ensure_index(es, settings)
        migrate(es, settings)
        assert ensure_index(es, settings) == alias
        moved = es.get(index=alias, id="a1")["_source"]
        assert "title_stem" not in moved and moved["lang"] == {"english": {"title": "Floods in Almaty"}}
        found = es.search(index=alias, query={"match": {"lang.english.title": "flooding"}})["hits"]["hits"]
        assert [hit["_id"] for hit in found] == ["a1"]
    finally:
        drop_namespace(es, alias)


def test_an_index_of_older_near_duplicate_keys_rolls_forward_with_todays_keys() -> None:
    """An index whose articles carry keys of another recipe (made before the index recorded one) is refused in place;
    migrating recomputes every article's keys, so a copy sent afterwards is recognised against it."""
    settings = Settings(namespace=f"test-bands-{uuid.uuid4().hex[:6]}")
    es = make_client(settings)
    alias = settings.index_alias
    mapping = fields.mappings()
    del mapping["_meta"]
    es.indices.create(index=f"{alias}-v1", settings=index_settings(), mappings=mapping, aliases={alias: {"is_write_index": True}})
    try:
        body = " ".join(f"Word{i} of a long wire story about the harbour strike, part {i}." for i in range(30))
        stored = {"id": "a1", "title": "Harbour strike", "body": body, "dedup_bands": ["b00:0000000000000000"]}
        es.index(index=alias, id="a1", document=stored, refresh=True)
        with pytest.raises(MappingOutdated, match="near-duplicate keys of scheme 1"):
            ensure_index(es, settings)
        migrate(es, settings)
        assert ensure_index(es, settings) == alias
        assert es.get(index=alias, id="a1")["_source"]["dedup_bands"] == band_keys(body)
        edited = body.replace("strike", "walkout", 1)
        copy = {"id": "a2", "body": edited, "dedup_bands": band_keys(edited)}
        assert find_duplicates(es, alias, [copy]) == {"a2": "a1"}
    finally:
        drop_namespace(es, alias)


def test_an_index_that_held_its_own_completions_gets_its_suggestions_index_on_setup() -> None:
    """Before ADR 0033 the articles' index held the completion fields; setting up on such an index makes the
    suggestions' index from its articles (a near-duplicate left out), so nothing a reader could complete is lost."""
    settings = Settings(namespace=f"test-suggest-{uuid.uuid4().hex[:6]}")
    es = make_client(settings)
    alias = settings.index_alias
    mapping = fields.mappings()
    mapping["properties"] |= {"title_suggest": fields.COMPLETION, "place_suggest": fields.COMPLETION}
    es.indices.create(index=f"{alias}-v1", settings=index_settings(), mappings=mapping, aliases={alias: {"is_write_index": True}})
    try:
        place = {"city": "Bishkek", "country": "Kyrgyzstan", "country_code": "KG"}
        old = {"id": "a1", "title": "Bridge opens in Bishkek", "location": place, "title_suggest": ["Bridge opens in Bishkek"]}
        twin = {"id": "a2", "title": "Bridge opens in Bishkek", "location": place, "duplicate_of": "a1"}
        es.index(index=alias, id="a1", document=old, version=40, version_type="external_gte")
        es.index(index=alias, id="a2", document=twin, refresh=True)
        assert ensure_index(es, settings) == alias
        es.indices.refresh(index=suggestions.index_name(alias))
        answer = es.search(index=suggestions.index_name(alias), body=suggest_body("bridge"))["suggest"]
        assert [(o["_id"], o["_source"]["title"]) for o in answer["title"][0]["options"]] == [("a1", "Bridge opens in Bishkek")]
        assert [o["_source"]["location"] for o in answer["place"][0]["options"]] == []
        places = es.search(index=suggestions.index_name(alias), body=suggest_body("bish"))["suggest"]["place"][0]["options"]
        assert [(o["_id"], o["_source"]["location"]) for o in places] == [("a1", {"city": "Bishkek", "country_code": "KG"})]
        # Made from the article's version: a late replay of an older one cannot overwrite it.
        assert es.get(index=suggestions.index_name(alias), id="a1")["_version"] == 40
    finally:
        drop_namespace(es, alias)
