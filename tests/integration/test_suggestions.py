"""An article's suggestion lives in its own index (ADR 0033), written in the article's bulk request: it follows the
article's versions, leaves with a near-duplicate, and keeps completions out of the index topic matching refreshes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch

from shared.es import fields, suggestions
from shared.es.client import make_client
from shared.es.index import drop_namespace, ensure_index, index_settings
from shared.es.indexer import bulk_index_documents
from shared.es.queries import suggest_body
from shared.settings import Settings


@pytest.fixture
def alias() -> Iterator[str]:
    settings = Settings(namespace=f"test-sugg-{uuid.uuid4().hex[:6]}")
    es = make_client(settings)
    yield ensure_index(es, settings)
    drop_namespace(es, settings.index_alias)


def suggested(es: Elasticsearch, alias: str, prefix: str) -> list[tuple[str, str]]:
    es.indices.refresh(index=suggestions.index_name(alias))
    answer = es.search(index=suggestions.index_name(alias), body=suggest_body(prefix))["suggest"]["title"][0]
    return [(option["_id"], option["_source"]["title"]) for option in answer["options"]]


def write(es: Elasticsearch, alias: str, version: int, **doc: object) -> None:
    outcome = bulk_index_documents(es, alias, [{"id": "a1", **doc}], {"a1": version})
    assert not outcome.retryable and not outcome.rejected and not outcome.unsuggested


def test_a_suggestion_follows_its_article_s_newest_version_and_leaves_when_it_becomes_a_duplicate(alias: str) -> None:
    es = make_client()
    write(es, alias, 10, title="Harbour reopens after the storm")
    write(es, alias, 20, title="Harbour stays shut after the storm")
    assert suggested(es, alias, "harbour") == [("a1", "Harbour stays shut after the storm")]
    write(es, alias, 15, title="Harbour reopens after the storm")  # a late replay: refused, here as in the article
    assert suggested(es, alias, "harbour") == [("a1", "Harbour stays shut after the storm")]
    write(es, alias, 30, title="Harbour stays shut after the storm", duplicate_of="a0")
    assert suggested(es, alias, "harbour") == []


def test_the_articles_index_holds_no_completions(alias: str) -> None:
    """A completion field builds its FST in each segment a refresh writes: topic matching refreshes the articles'
    index once per batch, so completions belong elsewhere."""
    es = make_client()
    write(es, alias, 10, title="Harbour reopens after the storm", location={"city": "Split", "country": "Croatia"})
    es.indices.refresh(index=f"{alias},{suggestions.index_name(alias)}")
    sizes = es.indices.stats(index=f"{alias},{suggestions.index_name(alias)}", metric="completion")["indices"]
    by_kind = {
        ("suggest" if name.endswith("-suggest") else "articles"): s["primaries"]["completion"] for name, s in sizes.items()
    }
    assert by_kind["articles"]["size_in_bytes"] == 0
    assert by_kind["suggest"]["size_in_bytes"] > 0


def test_a_write_to_an_index_made_without_setup_creates_no_suggestions_index() -> None:
    """A scratch index (a test's, a tool's) made straight from the mapping gets no suggestions' index with
    Elasticsearch's defaults (a text field where a completion belongs, a replica a single node cannot place)."""
    es = make_client()
    scratch = f"test-scratch-{uuid.uuid4().hex[:6]}"
    es.indices.create(index=scratch, settings=index_settings(), mappings=fields.mappings())
    try:
        outcome = bulk_index_documents(es, scratch, [{"id": "s1", "title": "Harbour reopens"}])
        assert outcome.stored == ["s1"]
        assert not es.indices.exists(index=suggestions.index_name(scratch))
    finally:
        es.indices.delete(index=f"{scratch},{suggestions.index_name(scratch)}", ignore_unavailable=True)
