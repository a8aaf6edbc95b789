"""A new mapping rolls out behind the alias without losing a document or a version."""

from __future__ import annotations

import uuid

from elasticsearch import ConflictError

from shared.es.client import make_client
from shared.es.index import current_index, ensure_index
from shared.es.migrate import migrate
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
        es.indices.delete(index=f"{alias}-v*", ignore_unavailable=True, allow_no_indices=True)
        es.options(ignore_status=404).indices.delete_index_template(name=alias)


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
        es.indices.delete(index=f"{settings.index_alias}-v*", ignore_unavailable=True, allow_no_indices=True)
        es.options(ignore_status=404).indices.delete_index_template(name=settings.index_alias)
