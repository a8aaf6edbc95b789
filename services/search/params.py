"""Request arguments of `GET /v1/search` checked and turned into SearchParams; every mistake is a 400 naming it."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pycountry
from werkzeug.datastructures import MultiDict

from services.search.cursor import decode_cursor
from shared.analysis.query import MAX_TERMS, term_count
from shared.es.queries import INTERVALS, SORTS, Geo, SearchParams
from shared.web import ApiError

MAX_SIZE = 100
MAX_Q = 1000
MAX_VALUES = 50  # values of one repeatable filter
FACET_OPTIONS = ("geo",)
KNOWN = {"q", "location", "country", "from", "to", "source", "language", "sort", "size", "cursor", "interval"}
KNOWN |= {"include_duplicates", "near", "within", "bbox", "facets", "geo_precision"}
_DISTANCE = re.compile(r"^\d{1,5}(\.\d{1,3})?(m|km|mi)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def bad(name: str, message: str) -> ApiError:
    return ApiError(400, "invalid_parameter", message, name)


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


def _numbers(name: str, value: str, count: int) -> list[float]:
    try:
        numbers = [float(part) for part in value.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) != count or any(n != n or abs(n) == float("inf") for n in numbers):
        raise bad(name, f"{name} is {count} comma-separated numbers")
    return numbers


def _lat_lon_ok(lat: float, lon: float) -> bool:
    return -90 <= lat <= 90 and -180 <= lon <= 180


def parse_geo(args: MultiDict[str, str]) -> Geo:
    geo = Geo()
    if args.get("near"):
        lat, lon = _numbers("near", args["near"], 2)
        if not _lat_lon_ok(lat, lon):
            raise bad("near", "near is lat,lon with lat in -90..90 and lon in -180..180")
        geo.near = (lat, lon)
    if args.get("within"):
        if not geo.near:
            raise bad("within", "within needs near=lat,lon")
        if not _DISTANCE.match(args["within"].strip()):
            raise bad("within", "within is a distance such as 50km, 800m or 20mi")
        geo.within = args["within"].strip()
    if args.get("bbox"):
        top, left, bottom, right = _numbers("bbox", args["bbox"], 4)
        if not (_lat_lon_ok(top, left) and _lat_lon_ok(bottom, right)) or top < bottom:
            raise bad("bbox", "bbox is top,left,bottom,right (lat,lon,lat,lon) with top >= bottom")
        geo.box = (top, left, bottom, right)
    return geo


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


def _precision(args: MultiDict[str, str]) -> int:
    raw = args.get("geo_precision", "3").strip()
    if not raw.isdigit() or not raw.isascii() or not 1 <= int(raw) <= 8:
        raise bad("geo_precision", "geo_precision is a geohash length from 1 to 8")
    return int(raw)


def _query(args: MultiDict[str, str]) -> str:
    q = args.get("q", "")
    if len(q) > MAX_Q:
        raise bad("q", f"q is at most {MAX_Q} characters")
    if "\x00" in q:
        raise bad("q", "q holds a NUL character")
    if term_count(q) > MAX_TERMS:
        raise bad("q", f"q has at most {MAX_TERMS} words")
    return q


def _cursor_time(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError as exc:
        raise bad("cursor", "not a cursor this service gave out") from exc


def parse_search_args(args: MultiDict[str, str], recency_decay: bool = True) -> SearchParams:
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
    params = SearchParams(
        q=_query(args),
        filters=filters,
        published_from=start,
        published_before=end,
        sort=_choice(args, "sort", SORTS, "relevance") or "relevance",
        size=_size(args),
        interval=interval,
        include_duplicates=_flag(args, "include_duplicates"),
        recency_decay=recency_decay,
        geo=parse_geo(args),
        geo_facet="geo" in _facets(args),
        geo_precision=_precision(args),
    )
    if args.get("cursor"):
        cursor = decode_cursor(args["cursor"], params)
        params.search_after, params.pit_id, params.seen = cursor.after, cursor.pit, cursor.seen
        params.now = _cursor_time(cursor.now)
    elif params.by_relevance:
        params.now = datetime.now(UTC).replace(microsecond=0)
    return params
