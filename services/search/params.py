"""Request arguments of `GET /v1/search` checked and turned into SearchParams; every mistake is a 400 naming it."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pycountry
from werkzeug.datastructures import MultiDict

from services.search.cursor import CursorCodec
from services.search.errors import bad
from services.search.geo import parse_geo, parse_precision
from shared.analysis.query import MAX_TERMS, term_count, tokenize
from shared.analysis.stemming import words
from shared.es.queries import INTERVALS, SORTS, SearchParams

MAX_SIZE = 100
MAX_Q = 1000
MAX_VALUES = 50  # values of one repeatable filter
FACET_OPTIONS = ("geo",)
KNOWN = {"q", "location", "country", "from", "to", "source", "language", "sort", "size", "cursor", "interval"}
KNOWN |= {"include_duplicates", "near", "within", "bbox", "facets", "geo_precision"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_OFFSET = timedelta(hours=18)  # the widest UTC offset Elasticsearch (java.time) reads
MAX_PREFIX_TERMS = 8  # SEARCH_MAX_PREFIX_TERMS
MIN_PREFIX_CHARS = 2  # `a*` expands to a 26th of the vocabulary, `*` to all of it, in every searched field


def country_code(value: str) -> str:
    text = value.strip()
    if len(text) == 2 and text.isalpha() and text.isascii():
        return text.upper()
    try:
        return str(pycountry.countries.lookup(text).alpha_2)
    except LookupError as exc:
        raise bad("country", f"unknown country {value!r}: give an ISO 3166 code or an English name") from exc


def parse_when(name: str, value: str, end: bool) -> datetime:
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
        raise bad(name, f"{value!r} is not an ISO 8601 date or datetime") from exc
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # naive times are UTC
    offset = moment.utcoffset() or timedelta()
    if abs(offset) > MAX_OFFSET:
        raise bad(name, f"{value!r} has a UTC offset beyond ±18:00")
    return moment + timedelta(milliseconds=1) if end else moment


def _size(args: MultiDict[str, str]) -> int:
    raw = args.get("size", "10").strip()
    if not raw.isdigit() or not raw.isascii() or not 1 <= int(raw) <= MAX_SIZE:
        raise bad("size", f"size is a whole number from 1 to {MAX_SIZE}")
    return int(raw)


def _choice(args: MultiDict[str, str], name: str, allowed: Any, default: str | None) -> str | None:
    value = args.get(name, default)
    if value is not None and value not in allowed:
        raise bad(name, f"{name} is one of {', '.join(allowed)}")
    return value


def _flag(args: MultiDict[str, str], name: str) -> bool:
    value = args.get(name, "false").strip().lower()
    if value not in ("1", "true", "yes", "0", "false", "no"):  # empty too: a typed parameter is never blank
        raise bad(name, f"{name} is true or false")
    return value in ("1", "true", "yes")


def _interval(span: timedelta | None) -> str:
    if span is None:
        return "month"
    if span <= timedelta(days=62):
        return "day"
    if span <= timedelta(days=370):
        return "week"
    return "month" if span <= timedelta(days=5 * 366) else "year"


def _values(args: MultiDict[str, str], name: str) -> list[str]:
    values = [v.strip() for v in args.getlist(name) if v.strip()]
    if len(values) > MAX_VALUES or any(len(v) > 500 for v in values):
        raise bad(name, f"at most {MAX_VALUES} values of {name}, each at most 500 characters")
    return values


def _facets(args: MultiDict[str, str]) -> set[str]:
    given = args.getlist("facets")
    asked = {part.strip() for value in given for part in value.split(",") if part.strip()}
    if asked - set(FACET_OPTIONS) or any(not value.strip() for value in given):
        raise bad("facets", f"facets may add {', '.join(FACET_OPTIONS)}; the others are always there")
    return asked


def _prefixes(q: str) -> list[str]:
    """The `word*` terms of q, as simple_query_string will expand them."""
    return [t.text for t in tokenize(q) if t.kind == "word" and t.text.endswith("*")]


def _query(args: MultiDict[str, str], max_prefix_terms: int) -> str:
    q = args.get("q", "")
    if len(q) > MAX_Q:
        raise bad("q", f"q is at most {MAX_Q} characters")
    if "\x00" in q:
        raise bad("q", "q holds a NUL character")
    if term_count(q) > MAX_TERMS:
        raise bad("q", f"q has at most {MAX_TERMS} words")
    prefixes = _prefixes(q)
    if len(prefixes) > max_prefix_terms:
        raise bad("q", f"q has at most {max_prefix_terms} prefix terms (word*)")
    for prefix in prefixes:
        stem = prefix.rstrip("*")
        if len(stem) < MIN_PREFIX_CHARS or any(len(part) < MIN_PREFIX_CHARS for part in words(stem)[-1:]):
            raise bad("q", f"a prefix term needs at least {MIN_PREFIX_CHARS} letters before the * ({prefix!r})")
    return q


def parse_search_args(
    args: MultiDict[str, str],
    recency_decay: bool = True,
    *,
    cursors: CursorCodec | None = None,
    max_prefix_terms: int = MAX_PREFIX_TERMS,
) -> SearchParams:
    """The search asked for; a `cursor` is only read with the codec that signs this service's cursors."""
    unknown = sorted(set(args) - KNOWN)
    if unknown:
        raise bad(unknown[0], f"unknown parameter {unknown[0]!r}")
    start = parse_when("from", args["from"], end=False) if args.get("from") else None
    end = parse_when("to", args["to"], end=True) if args.get("to") else None
    if start and end and start >= end:
        raise bad("from", "from is after to")
    span = ((end or datetime.now(UTC)) - start) if start else None
    interval = _choice(args, "interval", INTERVALS, None) or _interval(span)
    filters = {
        "location": _values(args, "location"),
        "country": [country_code(v) for v in _values(args, "country")],
        "source": _values(args, "source"),
        "language": [v.lower() for v in _values(args, "language")],
    }
    geo, geo_facet = parse_geo(args), "geo" in _facets(args)
    params = SearchParams(
        q=_query(args, max_prefix_terms),
        filters=filters,
        published_from=start,
        published_before=end,
        sort=_choice(args, "sort", SORTS, "relevance") or "relevance",
        size=_size(args),
        interval=interval,
        include_duplicates=_flag(args, "include_duplicates"),
        recency_decay=recency_decay,
        geo=geo,
        geo_facet=geo_facet,
        geo_precision=parse_precision(args, geo, geo_facet),
    )
    if args.get("cursor"):
        if cursors is None:
            raise bad("cursor", "not a cursor this service gave out for this search: search again")
        cursor = cursors.decode(args["cursor"], params)
        params.search_after, params.pit_id, params.seen = cursor.after, cursor.pit, cursor.seen
        params.pit_slot = cursor.slot
        params.now = datetime.fromisoformat(cursor.now) if cursor.now else None  # signed: ours
    elif params.by_relevance:
        params.now = datetime.now(UTC).replace(microsecond=0)
    return params
