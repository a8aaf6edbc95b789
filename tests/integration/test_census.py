"""The chaos census can fail: on a real Elasticsearch index it finds exactly the duplicate story, the duplicate
content, the stale version and the lost article injected on purpose, and nothing in a clean index."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from shared.articles.ids import article_id, content_hash
from shared.es.client import make_client
from shared.es.index import drop_namespace, ensure_index
from shared.es.indexer import bulk_index_documents
from shared.settings import Settings
from tests.chaos.census import Accepted, take_census

VERSION_MS = 1_760_000_000_000


@pytest.fixture
def index() -> Iterator[tuple[Elasticsearch, str]]:
    """An index of this test's own namespace, dropped afterwards."""
    settings = Settings(namespace=f"test-census-{uuid.uuid4().hex[:8]}")
    es = make_client(settings)
    ensure_index(es, settings)
    try:
        yield es, settings.index_alias
    finally:
        drop_namespace(es, settings.index_alias)


def document(url: str, title: str, body: str, doc_id: str | None = None) -> dict[str, Any]:
    doc_id = doc_id or article_id(url, None, None)
    return {"id": doc_id, "url": url, "title": title, "body": body, "content_hash": content_hash(title, body)}


def write(es: Elasticsearch, alias: str, docs: list[dict[str, Any]], version_ms: int = VERSION_MS) -> None:
    """Through the indexer's own bulk writer, under each document's id and version."""
    outcome = bulk_index_documents(es, alias, docs, {d["id"]: version_ms for d in docs})
    assert sorted(outcome.stored) == sorted(d["id"] for d in docs)


def accepted_clean_set(es: Elasticsearch, alias: str) -> tuple[Accepted, list[dict[str, Any]], dict[str, str | None]]:
    """Five articles stored as accepted (the fifth in a corrected second version), a sixth dead-lettered."""
    docs = [document(f"https://census.example.org/{n}", f"Census story {n}", f"Body of story {n}.") for n in range(5)]
    accepted = Accepted()
    for doc in docs:
        accepted.record(doc["id"], doc["title"], doc["body"])
    docs[4] = dict(docs[4], body="Body of story 4, corrected.")
    accepted.record(docs[4]["id"], docs[4]["title"], docs[4]["body"])
    write(es, alias, docs)
    dead = document("https://census.example.org/dead", "Dead story", "Never indexed.")
    accepted.record(dead["id"], dead["title"], dead["body"])
    return accepted, docs, {dead["id"]: content_hash(dead["title"], dead["body"])}


def test_a_clean_index_reports_zero(index: tuple[Elasticsearch, str]) -> None:
    es, alias = index
    accepted, _docs, dead = accepted_clean_set(es, alias)
    census = take_census(es, alias, accepted, dead)
    assert (census.accepted, census.searchable, census.dead) == (6, 5, 1)
    assert (census.missing, census.dup_ids, census.dup_content, census.stale, census.strays) == (0, 0, 0, 0, 0)
    assert census.held


def test_the_census_reports_exactly_what_was_injected(index: tuple[Elasticsearch, str]) -> None:
    es, alias = index
    accepted, docs, dead = accepted_clean_set(es, alias)
    # (a) the same story under another id: story 0's URL as another client spelled it (host case, slash, fragment)
    same_url = document("HTTPS://Census.Example.ORG/0/#comments", "Census story 0 (copy)", "A copy.", doc_id="copy0url")
    # (a) the same content under another id: story 1's title and body, spaced and cased differently, elsewhere
    same_content = document("https://mirror.example.net/story-1", "census STORY 1", "Body of  story 1.", doc_id="copy1text")
    es.index(index=alias, id=same_url["id"], document=same_url)
    es.index(index=alias, id=same_content["id"], document=same_content)
    # (b) story 4's first version written back over its corrected second one (an older copy winning)
    older = dict(docs[4], body="Body of story 4.", content_hash=content_hash(docs[4]["title"], "Body of story 4."))
    es.index(index=alias, id=older["id"], document=older)
    # (c) story 2 lost
    es.delete(index=alias, id=docs[2]["id"])

    census = take_census(es, alias, accepted, dead)

    assert census.missing_ids == {docs[2]["id"]}
    assert census.dup_id_groups == (tuple(sorted([docs[0]["id"], "copy0url"])),)
    assert census.dup_content_groups == (tuple(sorted([docs[1]["id"], "copy1text"])),)
    assert census.stale_ids == {docs[4]["id"]}
    assert census.stray_ids == {"copy0url", "copy1text"}
    assert (census.missing, census.dup_ids, census.dup_content, census.stale) == (1, 1, 1, 1)
    assert not census.held


def test_writes_beyond_one_per_version_are_reported_not_failed(index: tuple[Elasticsearch, str]) -> None:
    es, alias = index
    accepted, docs, dead = accepted_clean_set(es, alias)
    write(es, alias, docs[:1])  # a redelivery: the same version of story 0 written again
    writes = {d["id"]: 1 for d in docs} | {docs[0]["id"]: 2, docs[4]["id"]: 2}  # story 4: one write per version
    census = take_census(es, alias, accepted, dead, writes)
    assert (census.writes, census.rewrites, census.rewrites_max) == (7, 1, 1)
    assert census.held
