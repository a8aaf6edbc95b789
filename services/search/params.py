"""The parameters of `GET /v1/search` and `GET /v1/suggest`, described once: each model checks a request's query
(every mistake a 400 naming the parameter) and is the OpenAPI document's description of it. `to_params` turns a
checked search into SearchParams, with what needs the service (the cursor's key, settings) or several parameters."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, Literal

import pycountry
from pydantic import AfterValidator, BeforeValidator, Field, PlainValidator, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError
from werkzeug.datastructures import MultiDict

from services.search.cursor import CursorCodec
from services.search.errors import bad
from services.search.geo import area, box, check_precision, distance, near_point
from shared.analysis.languages import words
from shared.analysis.query import MAX_TERMS, term_count, tokenize
from shared.es.queries import SearchParams
from shared.web.openapi import QueryModel, Says, parse_query, refuse

MAX_SIZE = 100
MAX_Q = 1000
MAX_VALUES = 50  # values of one repeatable filter
MAX_SUGGEST_PREFIX = 100
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_OFFSET = timedelta(hours=18)  # the widest UTC offset Elasticsearch (java.time) reads
MAX_PREFIX_TERMS = 8  # SEARCH_MAX_PREFIX_TERMS
MIN_PREFIX_CHARS = 2  # `a*` expands to a 26th of the vocabulary, `*` to all of it, in every searched field
# Control characters other than tab, newline and return (folded into spaces): the completion field reserves
# some of them (U+0000, U+001E, U+001F) and none belongs in what a user types.
CONTROLS = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f"
CONTROL = re.compile(f"[{CONTROLS}]")


def country_code(value: str) -> str:
    text = value.strip()
    if len(text) == 2 and text.isalpha() and text.isascii():
        return text.upper()
    try:
        return str(pycountry.countries.lookup(text).alpha_2)
    except LookupError as exc:
        raise refuse(f"unknown country {value!r}: give an ISO 3166 code or an English name") from exc


def parse_when(value: str, end: bool) -> datetime:
    """A date means that whole day: `from` takes its start, `to` the start of the next day (exclusive)."""
    text = value.strip()
    try:
        if _DATE.match(text):
            day = date.fromisoformat(text)
            return datetime.combine(day + timedelta(days=1) if end else day, time(), tzinfo=UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        if not 1 < moment.year < 9999:
            raise ValueError(text)
    except (ValueError, OverflowError) as exc:
        raise refuse(f"{value!r} is not an ISO 8601 date or datetime") from exc
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # naive times are UTC
    offset = moment.utcoffset() or timedelta()
    if abs(offset) > MAX_OFFSET:
        raise refuse(f"{value!r} has a UTC offset beyond ±18:00")
    return moment + timedelta(milliseconds=1) if end else moment


def _whole(value: Any) -> Any:
    """ASCII digits only ("²" and "١٢" are digits to `isdigit` but not numbers here), spaces around allowed."""
    text = value.strip() if isinstance(value, str) else value
    if isinstance(text, str) and not (text.isdigit() and text.isascii()):
        raise PydanticCustomError("whole_number", "not a whole number")
    return text


def _flag(value: Any) -> bool:
    text = str(value).strip().lower()
    if text not in ("1", "true", "yes", "0", "false", "no"):  # empty too: a typed parameter is never blank
        raise PydanticCustomError("flag", "not a flag")
    return text in ("1", "true", "yes")


def _values(name: str) -> AfterValidator:
    def stripped(values: list[str]) -> list[str]:
        kept = [v.strip() for v in values if v.strip()]
        if len(kept) > MAX_VALUES or any(len(v) > 500 for v in kept):
            raise refuse(f"at most {MAX_VALUES} values of {name}, each at most 500 characters")
        return kept

    return AfterValidator(stripped)


def _facets(given: Any) -> list[str]:
    """Comma-separated or repeated; a blank value is a mistake."""
    values = given if isinstance(given, list) else [given]
    if any(not str(value).strip() for value in values):
        raise PydanticCustomError("blank", "blank")
    return [part.strip() for value in values for part in str(value).split(",") if part.strip()]


def _query_text(q: str) -> str:
    if "\x00" in q:
        raise refuse("q holds a NUL character")
    if term_count(q) > MAX_TERMS:
        raise refuse(f"q has at most {MAX_TERMS} words")
    for prefix in prefixes(q):
        stem = prefix.rstrip("*")
        if len(stem) < MIN_PREFIX_CHARS or any(len(part) < MIN_PREFIX_CHARS for part in words(stem)[-1:]):
            raise refuse(f"a prefix term needs at least {MIN_PREFIX_CHARS} letters before the * ({prefix!r})")
    return q


def prefixes(q: str) -> list[str]:
    """The `word*` terms of q, as simple_query_string will expand them."""
    return [t.text for t in tokenize(q) if t.kind == "word" and t.text.endswith("*")]


def _text_of(kind: str) -> WithJsonSchema:
    return WithJsonSchema({"type": "string", "description": kind})


WHEN = "A date (the whole day) or an ISO 8601 datetime with offset."
Filter = list[str]


class SearchQuery(QueryModel):
    """`GET /v1/search`: all optional and combinable."""

    q: Annotated[
        str,
        Field(
            max_length=MAX_Q,
            description='Full text of title, subtitle, body and dateline place: "phrase", -exclude, a OR b, a AND b, NOT a, '
            f"prefix*, ( ). At most {MAX_TERMS} words and SEARCH_MAX_PREFIX_TERMS ({MAX_PREFIX_TERMS}) prefix terms, "
            f"each with {MIN_PREFIX_CHARS} characters or more before the *.",
        ),
        Says(f"q is at most {MAX_Q} characters"),
        AfterValidator(_query_text),
    ] = ""
    location: Annotated[Filter, Field(default_factory=list, description="City; repeat for any of several."), _values("location")]
    country: Annotated[
        Filter,
        Field(default_factory=list, description="ISO 3166 alpha-2 code or English name; repeatable."),
        _values("country"),
        AfterValidator(lambda values: [country_code(v) for v in values]),
    ]
    source: Annotated[Filter, Field(default_factory=list, description="Publisher; repeatable."), _values("source")]
    language: Annotated[
        Filter,
        Field(default_factory=list, description="ISO 639-1 code; repeatable."),
        _values("language"),
        AfterValidator(lambda values: [v.lower() for v in values]),
    ]
    start: Annotated[
        datetime | None,
        PlainValidator(lambda v: parse_when(v, end=False) if v else None),
        _text_of(f"Inclusive start. {WHEN}"),
        Field(alias="from"),
    ] = None
    to: Annotated[
        datetime | None, PlainValidator(lambda v: parse_when(v, end=True) if v else None), _text_of(f"Inclusive end. {WHEN}")
    ] = None
    sort: Annotated[
        Literal["relevance", "newest", "oldest"],
        Field(description="Order (relevance: newest first when q is empty)."),
        Says("sort is one of relevance, newest, oldest"),
    ] = "relevance"
    size: Annotated[
        int,
        Field(ge=1, le=MAX_SIZE, description="Hits per page."),
        BeforeValidator(_whole),
        Says(f"size is a whole number from 1 to {MAX_SIZE}"),
    ] = 10
    cursor: Annotated[
        str | None, Field(description="next_cursor of the previous page (same q and sort), signed and short-lived.")
    ] = None
    interval: Annotated[
        Literal["day", "week", "month", "year"] | None,
        Field(description="Date histogram bar width (chosen from the range when absent)."),
        Says("interval is one of day, week, month, year"),
    ] = None
    include_duplicates: Annotated[
        bool,
        BeforeValidator(_flag),
        Field(description="Also list articles found to duplicate another."),
        Says("include_duplicates is true or false"),
    ] = False
    near: Annotated[
        tuple[float, float] | None,
        PlainValidator(near_point),
        _text_of("lat,lon: only articles placed within `within` of this point."),
    ] = None
    within: Annotated[
        str | None, PlainValidator(distance), _text_of("Distance above 0 for near, such as 50km (default), 800m, 20mi.")
    ] = None
    bbox: Annotated[
        tuple[float, float, float, float] | None,
        PlainValidator(box),
        _text_of("top,left,bottom,right (lat,lon,lat,lon): only articles placed inside."),
    ] = None
    facets: Annotated[
        list[Literal["geo"]],
        BeforeValidator(_facets),
        Field(
            default_factory=list,
            description="Extra facets, repeated or comma-separated: geo adds a geohash grid; the others are always there.",
        ),
        Says("facets may add geo; the others are always there"),
    ]
    geo_precision: Annotated[
        int,
        Field(
            ge=1,
            le=8,
            description="Geohash length of the geo facet; above 3 only over an area (bbox, near/within) of at most 32768 cells.",
        ),
        BeforeValidator(_whole),
        Says("geo_precision is a geohash length from 1 to 8"),
    ] = 3

    @model_validator(mode="after")
    def _in_order(self) -> SearchQuery:
        if self.start and self.to and self.start >= self.to:
            raise refuse("from is after to", "from")
        return self


KNOWN = {field.alias or name for name, field in SearchQuery.model_fields.items()}


def _suggest_prefix(raw: Any) -> Any:
    if isinstance(raw, str) and CONTROL.search(raw):
        raise refuse("q holds a control character")
    return " ".join(raw.split()) if isinstance(raw, str) else raw  # tab, newline and return count as spaces


class SuggestQuery(QueryModel):
    """`GET /v1/suggest`."""

    q: Annotated[
        str,
        Field(max_length=MAX_SUGGEST_PREFIX, pattern=f"^[^{CONTROLS}]*$", description="What the user typed so far."),
        BeforeValidator(_suggest_prefix),
        Says(f"q is at most {MAX_SUGGEST_PREFIX} characters"),
    ] = ""


def _interval(span: timedelta | None) -> str:
    if span is None:
        return "month"
    if span <= timedelta(days=62):
        return "day"
    if span <= timedelta(days=370):
        return "week"
    return "month" if span <= timedelta(days=5 * 366) else "year"


def to_params(
    query: SearchQuery,
    recency_decay: bool = True,
    *,
    cursors: CursorCodec | None = None,
    max_prefix_terms: int = MAX_PREFIX_TERMS,
) -> SearchParams:
    """The search asked for; a `cursor` is only read with the codec that signs this service's cursors."""
    if len(prefixes(query.q)) > max_prefix_terms:
        raise bad("q", f"q has at most {max_prefix_terms} prefix terms (word*)")
    span = ((query.to or datetime.now(UTC)) - query.start) if query.start else None
    geo, geo_facet = area(query.near, query.within, query.bbox), "geo" in query.facets
    filters = {"location": query.location, "country": query.country, "source": query.source, "language": query.language}
    params = SearchParams(
        q=query.q,
        filters=filters,
        published_from=query.start,
        published_before=query.to,
        sort=query.sort,
        size=query.size,
        interval=query.interval or _interval(span),
        include_duplicates=query.include_duplicates,
        recency_decay=recency_decay,
        geo=geo,
        geo_facet=geo_facet,
        geo_precision=check_precision(query.geo_precision, geo, geo_facet),
    )
    if query.cursor:
        if cursors is None:
            raise bad("cursor", "not a cursor this service gave out for this search: search again")
        cursor = cursors.decode(query.cursor, params)
        params.search_after, params.pit_id, params.seen = cursor.after, cursor.pit, cursor.seen
        params.pit_slot = cursor.slot
        params.now = datetime.fromisoformat(cursor.now) if cursor.now else None  # signed: ours
    elif params.by_relevance:
        params.now = datetime.now(UTC).replace(microsecond=0)
    return params


def parse_search_args(
    args: MultiDict[str, str],
    recency_decay: bool = True,
    *,
    cursors: CursorCodec | None = None,
    max_prefix_terms: int = MAX_PREFIX_TERMS,
) -> SearchParams:
    """A query string as the service reads it (tools and tests: the service gets its SearchQuery from spectree)."""
    query = parse_query(SearchQuery, args)
    return to_params(query, recency_decay, cursors=cursors, max_prefix_terms=max_prefix_terms)
