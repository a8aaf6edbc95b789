"""The completions `GET /v1/suggest` answers from, in an index of their own beside the articles (ADR 0033).

A completion field builds a finite-state transducer in every segment a refresh writes. In the articles' index that
doubled the cost of each refresh, and topic matching refreshes that index once per batch, in the indexer's path
(docs/topics.md). Here the completions refresh on their own 1 s schedule, out of that path.

The index is derived from the articles: each article's suggestion is written in the same bulk request as the article,
under the same id and version (so a late replay of an older version is refused here too), and the whole index can be
made again from the articles (`rebuild`), as an upgrade or a restore needs.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from elasticsearch import BadRequestError, Elasticsearch, helpers

from shared.analysis.document import suggestion
from shared.es.fields import COMPLETION

log = logging.getLogger(__name__)

FILL_CHUNK = 1000  # suggestions written per bulk request (and per progress line) when the index is made again
SHOWN = ["title", "location", "duplicate_of"]  # what `suggestion` reads of a stored article


def index_name(alias: str) -> str:
    """Not `<alias>-v<N>`: the articles' versioned indices and their migrations never take it for one of theirs."""
    return f"{alias}-suggest"


def mappings() -> dict[str, Any]:
    # The title and place a completion shows are kept in _source only: nothing searches them here.
    return {"dynamic": False, "properties": {"title_suggest": COMPLETION, "place_suggest": COMPLETION}}


def settings() -> dict[str, Any]:
    # A copy on a second node wherever there is one, whatever replicas the articles' index was given: a suggestion's
    # write failing for a while sends its article back, so a lost shard here must not hold the articles up.
    return {"number_of_shards": 1, "auto_expand_replicas": "0-1", "refresh_interval": "1s"}


_KEPT: set[str] = set()  # aliases this process has seen a suggestions' index for


def kept_for(client: Elasticsearch, alias: str) -> bool:
    """Whether the alias has a suggestions' index (setup makes it), asked until it has, then taken as known: a write to
    an index made without setup (a scratch index) must not create one with Elasticsearch's defaults."""
    if alias not in _KEPT and client.indices.exists(index=index_name(alias)):
        _KEPT.add(alias)
    return alias in _KEPT


def action(alias: str, doc: dict[str, Any], version: int | None) -> dict[str, Any]:
    """The bulk action that leaves the suggestion of this document as it is now: written, or deleted for a
    near-duplicate (an article rewritten as one is suggested no more)."""
    source = suggestion(doc)
    return deletion(alias, doc["id"], version) if source is None else _writing(alias, doc["id"], source, version)


def _writing(alias: str, doc_id: str, source: dict[str, Any], version: int | None) -> dict[str, Any]:
    return _versioned({"_op_type": "index", "_index": index_name(alias), "_id": doc_id, "_source": source}, version)


def deletion(alias: str, doc_id: str, version: int | None) -> dict[str, Any]:
    return _versioned({"_op_type": "delete", "_index": index_name(alias), "_id": doc_id}, version)


def _versioned(written: dict[str, Any], version: int | None) -> dict[str, Any]:
    if version is not None:
        written.update(version=version, version_type="external_gte")
    return written


def ensure(client: Elasticsearch, alias: str) -> str:
    """Create the index if it is missing and fill it from the articles already stored (an upgrade from an index that
    held its completions itself, or a restore)."""
    name = index_name(alias)
    if client.indices.exists(index=name):
        return name
    try:
        client.indices.create(index=name, settings=settings(), mappings=mappings())
    except BadRequestError as exc:
        # Several workers start at once: whoever lost the race leaves the filling to the one that created it.
        if exc.error != "resource_already_exists_exception":
            raise
        return name
    fill(client, alias)
    return name


def rebuild(client: Elasticsearch, alias: str) -> str:
    drop(client, alias)
    return ensure(client, alias)


def drop(client: Elasticsearch, alias: str) -> None:
    client.options(ignore_status=404).indices.delete(index=index_name(alias))


def fill(client: Elasticsearch, alias: str) -> int:
    """Write the suggestion of every article behind the alias; the number written. One the node refuses is logged and
    left out: a setup or a restore does not stop for one article's completion."""
    if not client.indices.exists_alias(name=alias):
        return 0
    written = 0
    actions = _from_articles(client, alias)
    for n, (ok, item) in enumerate(helpers.streaming_bulk(client, actions, chunk_size=FILL_CHUNK, raise_on_error=False), 1):
        # 409: the indexer wrote a newer version meanwhile, which stands.
        if not ok and item.get("index", {}).get("status") != 409:
            log.warning("a suggestion was refused while filling %s: %s", index_name(alias), item)
        written += ok
        if n % FILL_CHUNK == 0:
            log.info("suggestions of %s: %d sent, %d written", alias, n, written)
    client.indices.refresh(index=index_name(alias))  # a restore or an upgrade ends with its completions answered
    log.info("suggestions of %s made again from the articles: %d written", alias, written)
    return written


def _from_articles(client: Elasticsearch, alias: str) -> Iterator[dict[str, Any]]:
    for hit in helpers.scan(client, index=alias, version=True, size=FILL_CHUNK, _source_includes=SHOWN):
        source = suggestion({"id": hit["_id"], **hit["_source"]})
        if source:  # an article that has none has nothing to delete in a fresh index
            yield _writing(alias, hit["_id"], source, hit["_version"])


if __name__ == "__main__":
    # `python -m shared.es.suggestions`: make the suggestions again from the articles (say, after a setup that was
    # stopped while it filled them).
    from shared.es.client import make_client
    from shared.settings import get_settings

    logging.basicConfig(level=logging.INFO)
    print(f"rebuilt {rebuild(make_client(), get_settings().index_alias)}")
