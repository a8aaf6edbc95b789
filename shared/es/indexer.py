"""Writes normalized articles into the alias, in bulk, with their deterministic ids."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from elasticsearch import Elasticsearch, helpers

from shared.article import NormalizedArticle
from shared.status import now_iso


def to_document(article: NormalizedArticle) -> dict[str, Any]:
    doc = article.model_dump(exclude={"location"}, exclude_none=True)
    doc["indexed_at"] = now_iso()
    if article.location:
        loc = article.location.model_dump(exclude_none=True, exclude={"lat", "lon"})
        if article.location.lat is not None and article.location.lon is not None:
            loc["geo"] = {"lat": article.location.lat, "lon": article.location.lon}
        doc["location"] = loc
    return doc


def bulk_index(client: Elasticsearch, alias: str, articles: Iterable[NormalizedArticle]) -> dict[str, str]:
    """Index every article under its id; returns {id: error} for those Elasticsearch refused."""
    actions = ({"_op_type": "index", "_index": alias, "_id": a.id, "_source": to_document(a)} for a in articles)
    errors: dict[str, str] = {}
    for ok, item in helpers.streaming_bulk(client, actions, raise_on_error=False, raise_on_exception=True):
        if not ok:
            info = item.get("index", {})
            errors[str(info.get("_id"))] = str(info.get("error"))[:500]
    return errors
