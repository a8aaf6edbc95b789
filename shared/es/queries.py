"""Search requests as pure functions: parameters in, Elasticsearch request body out.

User text reaches Elasticsearch only inside `simple_query_string` (no scripts, regexes or
full query syntax; the REGEXP and FUZZY flags are off) or as term values.

Matching: the query's syntax on the language-neutral fields (`standard` analyzer) and on the language fields
(`lang.<stemmer>.*`), each field analysing the words its own way: a word matches an article as written or as its
stem in the article's language.
Ranking: BM25F (`combined_fields`) of the wanted words over `title^3`, `subtitle^2`, `body`, plus
the same on each language's fields (so exact word forms rank above mere stem matches), plus the dateline place's
city and country (matched too, though not part of the body), plus a phrase boost,
times a gentle recency factor (x1.0 for old articles up to x1.5 for new ones; switch it off
with SEARCH_RECENCY_DECAY=false).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.analysis.document import DERIVED
from shared.analysis.languages import stemmers
from shared.analysis.query import positive_words, sqs_query
from shared.es.fields import FACETS, full_text_fields, language_fields

SORTS = ("relevance", "newest", "oldest")
INTERVALS = {"day": "1d", "week": "1w", "month": "1M", "year": "1y"}
TIE_BREAKER = {"id": "asc"}
FLAGS = "AND|OR|NOT|PHRASE|PREFIX|PRECEDENCE|WHITESPACE|ESCAPE|NEAR"
FACET_SIZE = 20
RECENCY_SCALE = "30d"  # an article this old gets half the recency bonus
RECENCY_WEIGHT = 0.5  # the newest article scores x(1 + this); an old one x1
PHRASE_FACTOR = 1.5  # score multiplier of an article holding the query's words as a phrase
SOURCE_EXCLUDES = ["notes", "body", *DERIVED]
# The dateline place leaves the body (it is not the story's text), so the words of `q` may also be found in
# it: "astana" finds what was filed from Astana, "flood -astana" leaves it out. It adds a small score of its
# own rather than joining title/subtitle/body in BM25F, whose statistics it would distort.
DATELINE_FIELDS = ["location.city", "location.country"]
HIGHLIGHT_MAX_CHARS = 100_000  # characters of a body searched for the snippet's match (SEARCH_HIGHLIGHT_MAX_CHARS)


_KM = {"m": 0.001, "km": 1.0, "mi": 1.609344}  # the units `within` takes (checked by services/search/geo.py)


def distance_km(within: str) -> float:
    """A distance as `within` writes it (50km, 800m, 20mi) in kilometres."""
    unit = next(u for u in ("km", "mi", "m") if within.endswith(u))
    return float(within[: -len(unit)]) * _KM[unit]


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
    pit_slot: str | None = None  # the point in time's place in its client's cap (services/search/pits.py)
    now: datetime | None = None  # the recency origin, fixed for all pages of one result list
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


def matching(q: str, languages: list[str] | None) -> dict[str, Any]:
    """Which articles match: the query's syntax, each word found as written or as its stem in the article's language.

    `languages`: the codes whose language fields are searched (None: all of them)."""
    fields = full_text_fields() + [f for stemmer in stemmers(languages) for f in language_fields(stemmer)]
    return _sqs(sqs_query(q), fields + DATELINE_FIELDS)


def _combined(words: str, fields: list[str]) -> dict[str, Any]:
    return {"combined_fields": {"query": words, "fields": fields, "operator": "or"}}


def scoring(q: str, languages: list[str] | None) -> list[dict[str, Any]]:
    """How matches rank: BM25F over title^3, subtitle^2, body as one field (so a field that few articles
    have cannot outweigh the title through its term statistics), and the same on each language's fields."""
    wanted = positive_words(q)
    if not wanted:
        return []
    clauses = [_combined(wanted, full_text_fields())]
    clauses += [_combined(wanted, language_fields(stemmer)) for stemmer in stemmers(languages)]
    clauses.append({"multi_match": {"query": wanted, "fields": DATELINE_FIELDS, "type": "best_fields"}})
    return clauses


def text_query(q: str, languages: list[str] | None = None) -> dict[str, Any]:
    query: dict[str, Any] = {"bool": {"filter": [matching(q, languages)], "should": scoring(q, languages)}}
    words = positive_words(q)
    if len(words.split()) > 1:
        # Holding the wanted words as a phrase (in any field) multiplies the score: scale-free, unlike a summed clause.
        phrase = {"multi_match": {"query": words, "type": "phrase", "fields": full_text_fields(), "slop": 1}}
        query = {"function_score": {"query": query, "functions": [{"filter": phrase, "weight": PHRASE_FACTOR}]}}
        query["function_score"]["boost_mode"] = "multiply"
    return query


def base_query(params: SearchParams) -> dict[str, Any]:
    # An empty language filter is no filter: every language's fields are searched.
    must = [text_query(params.q, params.filters.get("language") or None)] if params.q.strip() else [{"match_all": {}}]
    must_not: list[dict[str, Any]] = [] if params.include_duplicates else [{"exists": {"field": "duplicate_of"}}]
    query: dict[str, Any] = {"bool": {"must": must, "must_not": must_not, "filter": geo_filters(params.geo)}}
    if params.by_relevance and params.recency_decay:
        origin = params.now.isoformat() if params.now else "now"
        decay = {"gauss": {"published_at": {"origin": origin, "scale": RECENCY_SCALE, "decay": 0.5}}, "weight": RECENCY_WEIGHT}
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


def highlight(max_chars: int = HIGHLIGHT_MAX_CHARS) -> dict[str, Any]:
    """Matched words in <mark>, everything else HTML-escaped; the body's start when nothing in it matched.

    The body is highlighted twice: as its language's analyzer saw it (`lang.*.body`, so "flooding" marks "floods")
    and as written (`body`, for articles in a language the index does not stem, and the fallback fragment).
    Only the first `max_chars` characters of a body are searched for the match: without that bound a body longer
    than the index's `highlight.max_analyzed_offset` (1,000,000) fails every search that ranks it."""
    fragment = {"fragment_size": 220, "number_of_fragments": 1}
    return {
        "encoder": "html",
        "pre_tags": ["<mark>"],
        "post_tags": ["</mark>"],
        "max_analyzed_offset": max_chars,
        "fields": {"lang.*.body": fragment, "body": fragment | {"no_match_size": 220}},
    }


def search_body(
    params: SearchParams,
    pit_keep_alive: str = "2m",
    timeout: str | None = None,
    highlight_chars: int = HIGHLIGHT_MAX_CHARS,
) -> dict[str, Any]:
    """The request for one page; `timeout` is Elasticsearch's time budget (past it: what was found so far)."""
    clauses = facet_filters(params)
    body: dict[str, Any] = {
        "query": base_query(params),
        "post_filter": {"bool": {"filter": list(clauses.values())}},
        "aggs": aggregations(params, clauses),
        "sort": sort_clause(params),
        "size": params.size,
        "track_total_hits": True,
        "_source": {"excludes": SOURCE_EXCLUDES},
        "highlight": highlight(highlight_chars),
    }
    if timeout:
        body["timeout"] = timeout
    if params.search_after is not None:
        body["search_after"] = params.search_after
    if params.pit_id:
        body["pit"] = {"id": params.pit_id, "keep_alive": pit_keep_alive}
    return body


def suggest_body(prefix: str, size: int = 5, timeout: str | None = None) -> dict[str, Any]:
    """Title and place completions for what the user has typed so far."""
    completion = {"size": size, "skip_duplicates": True}
    return {
        **({"timeout": timeout} if timeout else {}),
        "_source": ["title", "location.city", "location.country", "location.country_code"],
        "suggest": {
            "title": {"prefix": prefix, "completion": {"field": "title_suggest", **completion}},
            "place": {"prefix": prefix, "completion": {"field": "place_suggest", **completion}},
        },
    }


def topic_params(match: dict[str, Any]) -> SearchParams:
    """The search a topic saved (its `match`, as services/search/topic_params.py normalized it), duplicates included:
    a near-duplicate is told apart when its match is recorded, by its original's id."""
    return SearchParams(q=match.get("q") or "", filters=match.get("filters") or {}, include_duplicates=True, geo=topic_geo(match))


def topic_geo(match: dict[str, Any]) -> Geo:
    """The geo filters of a topic's `match` (the search's, and the candidate index's check of them)."""
    near, box = match.get("near"), match.get("bbox")
    return Geo(near=tuple(near) if near else None, within=match.get("within") or Geo.within, box=tuple(box) if box else None)


def topic_clause(params: SearchParams, ids: list[str] | None = None, languages: list[str] | None = None) -> dict[str, Any]:
    """Which of these articles the topic's search finds, as one unscored clause: the same matching as a search.

    `ids`: the articles it may find (None: any, for a clause the match plugin holds for every batch); `languages`:
    the language codes of these articles; the fields of other languages are left out, as they could match none of
    them (None: every language, as a search has)."""
    wanted = params.filters.get("language") or languages
    if languages is not None and wanted is not None:
        wanted = [code for code in wanted if code in languages]
    text = matching(params.q, wanted) if params.q.strip() else {"match_all": {}}
    clauses = [text, *facet_filters(params).values(), *geo_filters(params.geo)]
    if ids is not None:
        clauses.append({"ids": {"values": ids}})
    return {"bool": {"filter": clauses}}


def topic_match_body(params: SearchParams, ids: list[str], languages: list[str] | None = None) -> dict[str, Any]:
    """The search of one topic on these articles: its hits are the ones it finds."""
    return {"query": topic_clause(params, ids, languages), "size": len(ids), "_source": False, "track_total_hits": False}


def topics_match_body(named: dict[str, dict[str, Any]], ids: list[str]) -> dict[str, Any]:
    """One search for many topics (`named`: name -> its topic_clause): each hit's `matched_queries` names the topics
    that find it, exactly as one search per topic would, for the cost of one request instead of one per topic.

    Every one of the articles comes back; the named clauses are optional in a filter, so they do not take part in
    the query phase at all (Lucene leaves them out) and are only checked, per hit, for `matched_queries`."""
    either = [{"bool": clause["bool"] | {"_name": name}} for name, clause in named.items()]
    query = {"constant_score": {"filter": {"bool": {"filter": [{"ids": {"values": ids}}], "should": either}}}}
    return {"query": query, "size": len(ids), "_source": False, "track_total_hits": False}
