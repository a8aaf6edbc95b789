"""What the worker hands the indexer: a normalized article ready for Elasticsearch, and what the pipeline
knows about it (id, version, accept time, request id, attempts).

The heavy original (a whole HTML page can weigh megabytes) stays behind: the indexer writes the document,
and if it must dead-letter one, the dead letter carries the normalized fields as an article, which a replay
sends through normalization again (README "Guarantees").
"""

from __future__ import annotations

from typing import Any

from shared.delivery.retry import version_of

# Fields of the accepted payload that travel with the document (everything but the article itself).
META_FIELDS = ("id", "accepted_at", "request_id", "replayed")
ARTICLE_FIELDS = ("url", "title", "subtitle", "body", "published_at", "source", "language", "authors", "tags")


def index_message(payload: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    meta = {k: payload[k] for k in META_FIELDS if k in payload}
    meta["version_ms"] = version_of(payload)
    meta["attempts"] = 0
    return {"meta": meta, "doc": document}


def retried(message: dict[str, Any]) -> dict[str, Any]:
    """The same message, one attempt further."""
    meta = dict(message["meta"])
    meta["attempts"] = int(meta.get("attempts", 0)) + 1
    return {"meta": meta, "doc": message["doc"]}


def dead_letter_payload(message: dict[str, Any]) -> dict[str, Any]:
    """An accepted payload rebuilt from the normalized document, for the dead-letter list and its replay."""
    doc, meta = message["doc"], message["meta"]
    article = {k: doc[k] for k in ARTICLE_FIELDS if doc.get(k) not in (None, "", [])}
    location = doc.get("location") or {}
    place = ", ".join(p for p in (location.get("city"), location.get("country")) if p)
    if place:
        article["location"] = place
    payload = {k: v for k, v in meta.items() if k != "attempts"}
    payload.update(kind="article", article=article)
    return payload
