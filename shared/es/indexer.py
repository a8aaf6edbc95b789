"""Writes normalized articles into the alias, in bulk, with their deterministic ids, and their suggestions beside
them (shared/es/suggestions.py) in the same request."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import Elasticsearch, helpers

from shared.analysis.document import search_fields
from shared.articles.model import NormalizedArticle
from shared.delivery.deadletters import bounded_reason
from shared.delivery.retry import is_transient_status
from shared.delivery.status import now_iso
from shared.es import suggestions

log = logging.getLogger(__name__)


def to_document(article: NormalizedArticle) -> dict[str, Any]:
    """The article as the worker hands it over; the fields only search reads are added as it is written
    (`indexed_source`), so the message through Redis carries each text once."""
    doc = article.model_dump(exclude={"location"}, exclude_none=True)
    doc["indexed_at"] = now_iso()
    if article.location:
        loc = article.location.model_dump(exclude_none=True, exclude={"lat", "lon"})
        if article.location.lat is not None and article.location.lon is not None:
            loc["geo"] = {"lat": article.location.lat, "lon": article.location.lon}
        doc["location"] = loc
    return doc


def indexed_source(doc: dict[str, Any]) -> dict[str, Any]:
    """What Elasticsearch stores: the document and its search fields (the texts under their language's analyzer),
    made after the near-duplicate check, as its suggestion is, so that a duplicate found there is never suggested."""
    return doc | search_fields(doc)


def error_text(error: Any) -> str:
    """Elasticsearch's error for one document, bounded: `type: reason` down its `caused_by` chain, the innermost
    (the cause) last, where `bounded_reason` keeps it."""
    parts: list[str] = []
    while isinstance(error, dict) and len(parts) < 5:
        parts.append(f"{error.get('type')}: {error.get('reason')}")
        error = error.get("caused_by")
    return bounded_reason(" / caused by ".join(parts) if parts else str(error))


@dataclass
class BulkOutcome:
    """What Elasticsearch did with each article of one bulk request."""

    stored: list[str] = field(default_factory=list)
    superseded: list[str] = field(default_factory=list)  # a newer (or equal) version is already stored
    retryable: dict[str, str] = field(default_factory=dict)  # a transient status (shared/delivery/retry.py): try again
    rejected: dict[str, str] = field(default_factory=dict)  # any other: the document itself was refused, dead-letter
    unsuggested: dict[str, str] = field(default_factory=dict)  # stored, but its suggestion was refused (logged)

    orphans: list[str] = field(default_factory=list)  # suggestions written for an article that was not

    def settle_suggestions(self, results: list[tuple[str, int, str]]) -> None:
        """The suggestions' results (id, status, error), once every article's is known. One refused for a transient
        reason takes its article back to be written again (rewriting is harmless); refused for good, it is logged: the
        article stands, searchable, without it. One written for an article that was refused or retried is an orphan,
        to be taken back."""
        stored, superseded, taken_back = set(self.stored), set(self.superseded), set()
        for doc_id, status, error in results:
            if 200 <= status < 300:
                if doc_id not in stored and doc_id not in superseded:
                    self.orphans.append(doc_id)
            elif status in (404, 409) or doc_id not in stored:  # 404: nothing to delete; 409: a newer one stands
                continue
            elif is_transient_status(status):
                taken_back.add(doc_id)
                self.retryable[doc_id] = f"suggestion: {status} {error}"
            else:
                self.unsuggested[doc_id] = f"{status} {error}"
                log.warning("article %s stored without its suggestion: %s %s", doc_id, status, error)
        if taken_back:
            self.stored = [doc_id for doc_id in self.stored if doc_id not in taken_back]


def bulk_index(
    client: Elasticsearch, alias: str, articles: Iterable[NormalizedArticle], versions: Mapping[str, int] | None = None
) -> BulkOutcome:
    """Index every article under its deterministic id (see `bulk_index_documents`)."""
    return bulk_index_documents(client, alias, [to_document(a) for a in articles], versions)


def bulk_index_documents(
    client: Elasticsearch,
    alias: str,
    documents: Iterable[dict[str, Any]],
    versions: Mapping[str, int] | None = None,
    until_searchable: bool = False,
) -> BulkOutcome:
    """Write documents (from `to_document`, with their search fields) under their ids; replaying the same bulk can
    never make a second copy.

    With `versions` (id → accept time in ms) each write uses `version_type=external_gte`: the same version
    rewrites the same document (a redelivered task is harmless) and an older version is refused with a
    409 (it is `superseded`: a newer copy of the article was accepted after it). Connection errors raise.
    `until_searchable`: the request returns once the engine's scheduled refresh has made the batch searchable
    (refresh=wait_for), for topics to read it without a refresh of its own (docs/adr/0034).
    """
    versions = versions or {}
    suggested = suggestions.kept_for(client, alias)
    actions = []
    for doc in documents:
        action: dict[str, Any] = {"_op_type": "index", "_index": alias, "_id": doc["id"], "_source": indexed_source(doc)}
        if doc["id"] in versions:
            action.update(version=versions[doc["id"]], version_type="external_gte")
        actions += [action, suggestions.action(alias, doc, versions.get(doc["id"]))] if suggested else [action]
    outcome = BulkOutcome()
    suggest_index = suggestions.index_name(alias)
    # One request for the whole batch (the indexer sizes batches); chunk limits only guard a huge one.
    results = helpers.streaming_bulk(
        client,
        actions,
        chunk_size=max(500, len(actions)),
        raise_on_error=False,
        raise_on_exception=True,
        max_retries=0,
        refresh="wait_for" if until_searchable else None,
    )
    suggested_results: list[tuple[str, int, str]] = []
    for ok, item in results:
        ((_, info),) = item.items()
        doc_id, status, error = str(info.get("_id")), int(info.get("status") or 0), error_text(info.get("error"))
        if info.get("_index") == suggest_index:
            suggested_results.append((doc_id, status, error))
        elif ok:
            outcome.stored.append(doc_id)
        elif status == 409:
            outcome.superseded.append(doc_id)
        elif is_transient_status(status):
            outcome.retryable[doc_id] = f"{status} {error}"
        else:
            outcome.rejected[doc_id] = f"{status} {error}"
    outcome.settle_suggestions(suggested_results)
    _take_back(client, alias, outcome.orphans, versions)
    return outcome


def _take_back(client: Elasticsearch, alias: str, orphans: list[str], versions: Mapping[str, int]) -> None:
    """Delete the suggestions of articles the bulk request did not store, so that none leads to a missing article.
    Best effort: a failure here is logged, and the article's next write or a rebuild settles it."""
    if not orphans:
        return
    deletes = [suggestions.deletion(alias, doc_id, versions.get(doc_id)) for doc_id in orphans]
    for ok, item in helpers.streaming_bulk(client, deletes, raise_on_error=False, raise_on_exception=False, max_retries=0):
        if not ok and item.get("delete", {}).get("status") != 404:
            log.warning("suggestion of unstored article left behind: %s", item)
