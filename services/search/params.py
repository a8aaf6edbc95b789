"""Request arguments of `GET /v1/search` checked and turned into SearchParams; every mistake is a 400 naming it."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date, datetime, time, timedelta
from typing import Any

import pycountry
from werkzeug.datastructures import MultiDict

from shared.es.queries import INTERVALS, SORTS, SearchParams
from shared.web import ApiError

MAX_SIZE = 100
MAX_Q = 1000


def bad(name: str, message: str) -> ApiError:
    return ApiError(400, "invalid_parameter", message, name)


def country_code(value: str) -> str:
    text = value.strip()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    try:
        return str(pycountry.countries.lookup(text).alpha_2)
    except LookupError as exc:
        raise bad("country", f"unknown country {value!r}: give an ISO 3166 code or an English name") from exc


def parse_when(name: str, value: str, end: bool) -> datetime:
    """A date means that whole day: `from` takes its start, `to` the start of the next day (exclusive)."""
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day + timedelta(days=1) if end else day, time())
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise bad(name, f"{value!r} is not an ISO 8601 date or datetime") from exc
    return moment + timedelta(milliseconds=1) if end else moment


def encode_cursor(sort_values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(sort_values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise bad("cursor", "not a cursor this service gave out") from exc
    if not isinstance(values, list) or not values or not all(isinstance(v, str | int | float | None) for v in values):
        raise bad("cursor", "not a cursor this service gave out")
    return values


def _size(args: MultiDict[str, str]) -> int:
    raw = args.get("size", "10")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_SIZE:
        raise bad("size", f"size is a whole number from 1 to {MAX_SIZE}")
    return int(raw)


def _choice(args: MultiDict[str, str], name: str, allowed: Any, default: str | None) -> str | None:
    value = args.get(name, default)
    if value is not None and value not in allowed:
        raise bad(name, f"{name} is one of {', '.join(allowed)}")
    return value


def _interval(span: timedelta | None) -> str:
    if span is None:
        return "month"
    if span <= timedelta(days=62):
        return "day"
    if span <= timedelta(days=370):
        return "week"
    return "month" if span <= timedelta(days=5 * 366) else "year"


def parse_search_args(args: MultiDict[str, str], recency_decay: bool = True) -> SearchParams:
    q = args.get("q", "")
    if len(q) > MAX_Q:
        raise bad("q", f"q is at most {MAX_Q} characters")
    start = parse_when("from", args["from"], end=False) if args.get("from") else None
    end = parse_when("to", args["to"], end=True) if args.get("to") else None
    if start and end and _comparable(start) >= _comparable(end):
        raise bad("from", "from is after to")
    interval = _choice(args, "interval", INTERVALS, None) or _interval(
        _comparable(end) - _comparable(start) if start and end else None
    )
    filters = {
        "location": [v.strip() for v in args.getlist("location") if v.strip()],
        "country": [country_code(v) for v in args.getlist("country") if v.strip()],
        "source": [v.strip() for v in args.getlist("source") if v.strip()],
        "language": [v.strip().lower() for v in args.getlist("language") if v.strip()],
    }
    return SearchParams(
        q=q,
        filters=filters,
        published_from=start,
        published_before=end,
        sort=_choice(args, "sort", SORTS, "relevance") or "relevance",
        size=_size(args),
        search_after=decode_cursor(args["cursor"]) if args.get("cursor") else None,
        interval=interval,
        include_duplicates=args.get("include_duplicates", "false").lower() in ("1", "true", "yes"),
        recency_decay=recency_decay,
    )


def _comparable(moment: datetime) -> datetime:
    # Naive datetimes (plain dates) are taken as UTC so they compare with offset-aware ones.
    from datetime import UTC

    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
