"""Search requests as pure functions: parameters in, Elasticsearch request body out.

User text reaches Elasticsearch only inside `simple_query_string` (no scripts, regexes or
full query syntax; the REGEXP and FUZZY flags are off) or as term values.

Relevance: the query runs on the language-neutral fields (`title^3`, `subtitle^2`, `body`,
core `standard` analyzer) and, beside it, on the `*_stem` fields with the query stemmed in the
language of the articles it is matched against (one clause per group of languages whose stems
of this query agree). Both clauses add up, so exact word forms rank above mere stem matches.
A phrase match of the wanted words adds a boost, and a gentle recency factor (x1.0 for old
articles up to x1.5 for new ones) can be switched off with SEARCH_RECENCY_DECAY=false.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.analysis.query import neutral_query, positive_words, stemmed_query
from shared.analysis.stemming import LANGUAGES
from shared.es.fields import FACETS, full_text_fields, stemmed_fields

SORTS = ("relevance", "newest", "oldest")
INTERVALS = {"day": "1d", "week": "1w", "month": "1M", "year": "1y"}
TIE_BREAKER = {"id": "asc"}
FLAGS = "AND|OR|NOT|PHRASE|PREFIX|PRECEDENCE|WHITESPACE|ESCAPE|NEAR"
FACET_SIZE = 20
RECENCY_SCALE = "30d"  # an article this old gets half the recency bonus
RECENCY_WEIGHT = 0.5  # the newest article scores x(1 + this); an old one x1
SOURCE_EXCLUDES = ["notes", "body", "*_stem", "*_suggest"]


@dataclass
class Geo:
    near: tuple[float, float] | None = None  # lat, lon
    within: str = "50km"
    box: tuple[float, float, float, float] | None = None  # top, left, bottom, right


@dataclass
class SearchParams:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet name -> accepted values
    published_from: datetime | None = None  # inclusive
    published_before: datetime | None = None  # exclusive
    sort: str = "relevance"
    size: int = 10
    search_after: list[Any] | None = None
    pit_id: str | None = None
    seen: int = 0  # hits shown on earlier pages (from the cursor): there is a next page while seen + page < total
    interval: str = "month"
    include_duplicates: bool = False
    recency_decay: bool = True
    geo: Geo = field(default_factory=Geo)
    geo_facet: bool = False
    geo_precision: int = 3

    @property
    def by_relevance(self) -> bool:
        return self.sort == "relevance" and bool(self.q.strip())


def _sqs(query: str, fields: list[str]) -> dict[str, Any]:
    return {
        "simple_query_string": {
            "query": query,
            "fields": fields,
            "default_operator": "and",
            "flags": FLAGS,
            "lenient": True,
        }
    }


def stemmed_clauses(q: str, languages: list[str]) -> list[dict[str, Any]]:
    """The stemmed query per group of languages that stem it alike, each only for articles in those languages."""
    groups: dict[str, list[str]] = {}
    for code in languages:
        groups.setdefault(stemmed_query(q, code), []).append(code)
    clauses = [
        {"bool": {"filter": [{"terms": {"language": codes}}], "must": [_sqs(query, stemmed_fields())]}}
        for query, codes in groups.items()
        if query.strip()
    ]
    unstemmed = stemmed_query(q, None)
    if unstemmed.strip():  # articles in a language without a stemmer, or none: lower-cased words, scored alike
        other = {"bool": {"must_not": [{"terms": {"language": sorted(LANGUAGES)}}], "must": [_sqs(unstemmed, stemmed_fields())]}}
        clauses.append(other)
    return clauses


def text_query(q: str, languages: list[str] | None = None) -> dict[str, Any]:
    wanted = [code for code in (languages or sorted(LANGUAGES)) if code in LANGUAGES]
    either = [_sqs(neutral_query(q), full_text_fields()), *stemmed_clauses(q, wanted)]
    query: dict[str, Any] = {"bool": {"must": [{"bool": {"should": either, "minimum_should_match": 1}}]}}
    phrase = positive_words(q)
    if len(phrase.split()) > 1:
        # Articles that hold the wanted words as a phrase rank above those that merely hold them.
        query["bool"]["should"] = [{"multi_match": {"query": phrase, "type": "phrase", "fields": full_text_fields(), "boost": 2}}]
    return query


def base_query(params: SearchParams) -> dict[str, Any]:
    must = [text_query(params.q, params.filters.get("language"))] if params.q.strip() else [{"match_all": {}}]
    must_not: list[dict[str, Any]] = [] if params.include_duplicates else [{"exists": {"field": "duplicate_of"}}]
    query: dict[str, Any] = {"bool": {"must": must, "must_not": must_not, "filter": geo_filters(params.geo)}}
    if params.by_relevance and params.recency_decay:
        decay = {"gauss": {"published_at": {"origin": "now", "scale": RECENCY_SCALE, "decay": 0.5}}, "weight": RECENCY_WEIGHT}
        # score x (1 + 0.5·decay): relevance always counts more than age; undated articles get x1.
        functions = [decay, {"filter": {"match_all": {}}, "weight": 1}]
        query = {"function_score": {"query": query, "functions": functions, "score_mode": "sum", "boost_mode": "multiply"}}
    return query


def geo_filters(geo: Geo) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = []
    if geo.near:
        point = {"lat": geo.near[0], "lon": geo.near[1]}
        clauses.append({"geo_distance": {"distance": geo.within, "location.geo": point}})
    if geo.box:
        top, left, bottom, right = geo.box
        corners = {"top_left": {"lat": top, "lon": left}, "bottom_right": {"lat": bottom, "lon": right}}
        clauses.append({"geo_bounding_box": {"location.geo": corners}})
    return clauses


def facet_filters(params: SearchParams) -> dict[str, dict[str, Any]]:
    """One filter clause per facet that the user narrowed (OR within a facet, AND across facets)."""
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
        name: {"filter": others(name), "aggs": {"values": {"terms": {"field": path, "size": FACET_SIZE}}}}
        for name, path in FACETS.items()
    }
    histogram = {"field": "published_at", "calendar_interval": INTERVALS[params.interval], "min_doc_count": 1}
    aggs["published"] = {"filter": others("published"), "aggs": {"values": {"date_histogram": histogram}}}
    if params.geo_facet:
        grid = {"geohash_grid": {"field": "location.geo", "precision": params.geo_precision, "size": 200}}
        grid["aggs"] = {"centre": {"geo_centroid": {"field": "location.geo"}}}
        aggs["geo"] = {"filter": others("geo"), "aggs": {"values": grid}}
    return aggs


def sort_clause(params: SearchParams) -> list[Any]:
    if params.sort == "oldest":
        return [{"published_at": {"order": "asc", "missing": "_last"}}, TIE_BREAKER]
    if params.by_relevance:
        return ["_score", {"published_at": {"order": "desc", "missing": "_last"}}, TIE_BREAKER]
    return [{"published_at": {"order": "desc", "missing": "_last"}}, TIE_BREAKER]


def highlight() -> dict[str, Any]:
    """Matched words in <mark>, everything else HTML-escaped; the body's start when nothing in it matched."""
    body = {"fragment_size": 220, "number_of_fragments": 1, "no_match_size": 220}
    return {"encoder": "html", "pre_tags": ["<mark>"], "post_tags": ["</mark>"], "fields": {"body": body}}


def search_body(params: SearchParams, pit_keep_alive: str = "2m") -> dict[str, Any]:
    clauses = facet_filters(params)
    body: dict[str, Any] = {
        "query": base_query(params),
        "post_filter": {"bool": {"filter": list(clauses.values())}},
        "aggs": aggregations(params, clauses),
        "sort": sort_clause(params),
        "size": params.size,
        "track_total_hits": True,
        "_source": {"excludes": SOURCE_EXCLUDES},
        "highlight": highlight(),
    }
    if params.search_after is not None:
        body["search_after"] = params.search_after
    if params.pit_id:
        body["pit"] = {"id": params.pit_id, "keep_alive": pit_keep_alive}
    return body


def suggest_body(prefix: str, size: int = 5) -> dict[str, Any]:
    """Title and place completions for what the user has typed so far."""
    completion = {"size": size, "skip_duplicates": True}
    return {
        "_source": ["title", "location.city", "location.country", "location.country_code"],
        "suggest": {
            "title": {"prefix": prefix, "completion": {"field": "title_suggest", **completion}},
            "place": {"prefix": prefix, "completion": {"field": "place_suggest", **completion}},
        },
    }
