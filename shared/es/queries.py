"""Search requests as pure functions: parameters in, Elasticsearch request body out.

User text reaches Elasticsearch only inside `simple_query_string` (no scripts, regexes or
full query syntax) or as term values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.es.fields import FACETS, full_text_fields

SORTS = ("relevance", "newest", "oldest")
INTERVALS = {"day": "1d", "week": "1w", "month": "1M", "year": "1y"}
TIE_BREAKER = {"id": "asc"}


@dataclass
class SearchParams:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet name -> accepted values
    published_from: datetime | None = None  # inclusive
    published_before: datetime | None = None  # exclusive
    sort: str = "relevance"
    size: int = 10
    search_after: list[Any] | None = None
    interval: str = "month"
    include_duplicates: bool = False
    recency_decay: bool = True


def text_query(q: str) -> dict[str, Any]:
    return {
        "bool": {
            "must": [
                {
                    "simple_query_string": {
                        "query": q,
                        "fields": full_text_fields(),
                        "default_operator": "and",
                        "flags": "AND|OR|NOT|PHRASE|PREFIX|PRECEDENCE|WHITESPACE|ESCAPE",
                    }
                }
            ],
            # Articles that hold the words as a phrase rank above those that merely hold them.
            "should": [{"multi_match": {"query": q, "type": "phrase", "fields": full_text_fields(), "boost": 2}}],
        }
    }


def base_query(params: SearchParams) -> dict[str, Any]:
    must: list[dict[str, Any]] = [text_query(params.q)] if params.q.strip() else []
    must_not: list[dict[str, Any]] = [] if params.include_duplicates else [{"exists": {"field": "duplicate_of"}}]
    query: dict[str, Any] = {"bool": {"must": must or [{"match_all": {}}], "must_not": must_not}}
    if params.q.strip() and params.recency_decay and params.sort == "relevance":
        decay = {"gauss": {"published_at": {"origin": "now", "scale": "90d", "decay": 0.5}}, "weight": 1}
        # Gentle: relevance counts at least as much as age, articles without a date are not punished.
        query = {"function_score": {"query": query, "functions": [decay], "score_mode": "sum", "boost_mode": "multiply"}}
        query["function_score"]["functions"].append({"filter": {"match_all": {}}, "weight": 1})
    return query


def facet_filters(params: SearchParams) -> dict[str, dict[str, Any]]:
    """One filter clause per facet that the user narrowed."""
    clauses: dict[str, dict[str, Any]] = {}
    for name, values in params.filters.items():
        if values:
            clauses[name] = {"terms": {FACETS[name]: values}}
    if params.published_from or params.published_before:
        rng: dict[str, str] = {}
        if params.published_from:
            rng["gte"] = params.published_from.isoformat()
        if params.published_before:
            rng["lt"] = params.published_before.isoformat()
        clauses["published"] = {"range": {"published_at": rng}}
    return clauses


def aggregations(params: SearchParams, clauses: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Each facet counts with every filter but its own, so a user can widen a choice."""

    def others(name: str) -> dict[str, Any]:
        return {"bool": {"filter": [c for n, c in clauses.items() if n != name]}}

    aggs: dict[str, Any] = {
        name: {"filter": others(name), "aggs": {"values": {"terms": {"field": path, "size": 20}}}}
        for name, path in FACETS.items()
    }
    histogram = {"field": "published_at", "calendar_interval": INTERVALS[params.interval], "min_doc_count": 1}
    aggs["published"] = {"filter": others("published"), "aggs": {"values": {"date_histogram": histogram}}}
    return aggs


def sort_clause(params: SearchParams) -> list[Any]:
    if params.sort == "newest" or (params.sort == "relevance" and not params.q.strip()):
        return [{"published_at": {"order": "desc", "missing": "_last"}}, TIE_BREAKER]
    if params.sort == "oldest":
        return [{"published_at": {"order": "asc", "missing": "_last"}}, TIE_BREAKER]
    return ["_score", {"published_at": {"order": "desc", "missing": "_last"}}, TIE_BREAKER]


def search_body(params: SearchParams) -> dict[str, Any]:
    clauses = facet_filters(params)
    body: dict[str, Any] = {
        "query": base_query(params),
        "post_filter": {"bool": {"filter": list(clauses.values())}},
        "aggs": aggregations(params, clauses),
        "sort": sort_clause(params),
        "size": params.size,
        "track_total_hits": True,
        "_source": {"excludes": ["notes"]},
        "highlight": {
            "encoder": "html",
            "pre_tags": ["<mark>"],
            "post_tags": ["</mark>"],
            "fields": {"body": {"fragment_size": 200, "number_of_fragments": 1}, "title": {"number_of_fragments": 0}},
        },
    }
    if params.search_after is not None:
        body["search_after"] = params.search_after
    return body
