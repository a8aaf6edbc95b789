"""`python -m shared.es.migrate`: roll a new mapping out without downtime.

Creates `<alias>-v<N+1>` from the current template, copies every document into it (scan + bulk on
the client side: the minimal Elasticsearch distribution has no reindex API) in the current document shape (fields
the table no longer has dropped, the search fields made again), then moves the alias in one atomic call. Readers
see the old index until the swap; writes made during the copy go to the old index, so run it while ingest is
paused, or run it twice (the second pass copies what the first missed).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from elasticsearch import Elasticsearch, helpers

from shared.articles.dedup import band_keys
from shared.es.client import make_client
from shared.es.fields import FIELDS
from shared.es.index import current_index, next_version, swap_alias, template_body, versioned_name
from shared.es.indexer import indexed_source
from shared.settings import Settings, get_settings

log = logging.getLogger(__name__)


def current_shape(source: dict[str, Any]) -> dict[str, Any]:
    """A stored article as today's indexer would write it: e.g. the `*_stem` fields of Python stemming become `lang`,
    and the near-duplicate keys are those of today's recipe."""
    known = {f.name for f in FIELDS}
    kept = {name: value for name, value in source.items() if name in known}
    kept["dedup_bands"] = band_keys(kept.get("body") or "")
    return indexed_source(kept)


def _copies(client: Elasticsearch, old: str, new: str) -> Iterator[dict[str, Any]]:
    # Versions travel with the documents, so a late replay of an older version is still refused afterwards.
    for hit in helpers.scan(client, index=old, version=True, size=500):
        yield {
            "_index": new,
            "_id": hit["_id"],
            "_source": current_shape(hit["_source"]),
            "version": hit["_version"],
            "version_type": "external_gte",
        }


def migrate(client: Elasticsearch, settings: Settings | None = None) -> str:
    alias = (settings or get_settings()).index_alias
    client.indices.put_index_template(name=alias, **template_body(alias))
    old = current_index(client, alias)
    new = versioned_name(alias, next_version(client, alias))
    client.indices.create(index=new)
    copied, _ = helpers.bulk(client, _copies(client, old, new), chunk_size=500, stats_only=True)
    client.indices.refresh(index=new)
    swap_alias(client, alias, new)
    log.info("migrated %s: %s -> %s (%s documents)", alias, old, new, copied)
    return new


if __name__ == "__main__":
    logging.basicConfig(level="INFO")
    print(f"alias now points at {migrate(make_client())}")
