"""Index template, versioned index and the alias readers and writers use.

A mapping change is rolled out by creating `<alias>-v<N+1>` from the template,
reindexing into it, and moving the alias in one atomic call (`swap_alias`).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from elasticsearch import BadRequestError, Elasticsearch

from shared.articles.dedup import KEY_SCHEME
from shared.es import fields, suggestions
from shared.es.analysis import analysis_settings
from shared.settings import Settings, get_settings

INDEX_VERSION = 1


class MappingOutdated(RuntimeError):
    """The index behind the alias cannot take the field table's mapping in place: it needs `shared.es.migrate`."""


def index_settings() -> dict[str, Any]:
    return {"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": "1s", "analysis": analysis_settings()}


def template_body(alias: str) -> dict[str, Any]:
    return {
        "index_patterns": [f"{alias}-v*"],
        "priority": 200,
        "template": {"settings": index_settings(), "mappings": fields.mappings()},
        "_meta": {"description": "News articles; generated from shared/es/fields.py"},
    }


def versioned_name(alias: str, version: int = INDEX_VERSION) -> str:
    return f"{alias}-v{version}"


def ensure_index(client: Elasticsearch, settings: Settings | None = None) -> str:
    """Create the template, the first versioned index and the alias if missing; return the alias."""
    alias = (settings or get_settings()).index_alias
    client.indices.put_index_template(name=alias, **template_body(alias))
    if not client.indices.exists_alias(name=alias):
        index = versioned_name(alias)
        try:
            client.indices.create(index=index, aliases={alias: {"is_write_index": True}})
        except BadRequestError as exc:
            # Several workers start at once and race to create it: whoever lost only needs the alias.
            if exc.error != "resource_already_exists_exception":
                raise
            client.indices.put_alias(index=index, name=alias, is_write_index=True)
    # Fields added to the table since the index was made are added to it in place (Elasticsearch allows
    # adding fields); a changed field cannot be, and needs `python -m shared.es.migrate`.
    mapping = fields.mappings()
    try:
        client.indices.put_mapping(index=alias, properties=mapping["properties"], dynamic=mapping["dynamic"])
    except BadRequestError as exc:
        raise MappingOutdated(f"the index behind {alias} has an incompatible mapping; run `python -m shared.es.migrate`") from exc
    held = stored_dedup_scheme(client, alias)
    if held != KEY_SCHEME:
        raise MappingOutdated(f"the index behind {alias} holds near-duplicate keys of scheme {held}, not {KEY_SCHEME}")
    suggestions.ensure(client, alias)
    return alias


def stored_dedup_scheme(client: Elasticsearch, alias: str) -> int:
    """The near-duplicate key recipe the index behind the alias holds; 1 for an index made before it was recorded."""
    (index_mapping,) = client.indices.get_mapping(index=alias).values()
    return int(index_mapping["mappings"].get("_meta", {}).get("dedup_scheme", 1))


def current_index(client: Elasticsearch, alias: str) -> str:
    return next(iter(client.indices.get_alias(name=alias)))


def next_version(client: Elasticsearch, alias: str) -> int:
    existing = client.indices.get(index=f"{alias}-v*", allow_no_indices=True, expand_wildcards="all")
    versions = [int(name.rsplit("-v", 1)[1]) for name in existing if name.rsplit("-v", 1)[1].isdigit()]
    return max(versions, default=0) + 1


def swap_alias(client: Elasticsearch, alias: str, new_index: str) -> None:
    """Point the alias at `new_index` alone, atomically."""
    current = list(client.indices.get_alias(name=alias)) if client.indices.exists_alias(name=alias) else []
    actions: list[dict[str, Any]] = [{"remove": {"index": old, "alias": alias}} for old in current]
    actions.append({"add": {"index": new_index, "alias": alias, "is_write_index": True}})
    client.indices.update_aliases(actions=actions)


def drop_namespace(client: Elasticsearch, alias: str) -> None:
    """Remove the indices and template of one namespace (tests use this)."""
    client.indices.delete(index=f"{alias}-v*", ignore_unavailable=True, allow_no_indices=True)
    suggestions.drop(client, alias)
    client.options(ignore_status=404).indices.delete_index_template(name=alias)


if __name__ == "__main__":
    # `python -m shared.es.index` prints the template that infra/elasticsearch/ keeps.
    json.dump(template_body("news-articles"), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
