"""Elasticsearch answers turned into the contract's search answer."""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pycountry


def snippet_of(raw: dict[str, Any]) -> str:
    """The highlighted body fragment (Elasticsearch escapes it: encoder=html), else the escaped subtitle.

    The fragment of the article's language field marks every form of the matched words (it is only there when it
    matched); the neutral field's marks exact forms, or is the body's start when nothing matched."""
    found = raw.get("highlight", {})
    stemmed = next((v for k, v in found.items() if k.startswith("lang.")), None)
    fragments = stemmed or found.get("body")
    if fragments:
        return str(fragments[0])
    return html.escape(raw["_source"].get("subtitle") or "")


def location_of(src: dict[str, Any]) -> dict[str, Any]:
    loc = src.get("location") or {}
    geo = loc.get("geo") or {}
    return {
        "city": loc.get("city"),
        "country": loc.get("country"),
        "country_code": loc.get("country_code"),
        "lat": geo.get("lat"),
        "lon": geo.get("lon"),
    }


def hit_of(raw: dict[str, Any]) -> dict[str, Any]:
    src = raw["_source"]
    return {
        "id": raw["_id"],
        "title": src.get("title"),
        "subtitle": src.get("subtitle"),
        "snippet": snippet_of(raw),
        "url": src.get("url"),
        "source": src.get("source"),
        "published_at": src.get("published_at"),
        "language": src.get("language"),
        "score": raw.get("_score"),
        "location": location_of(src),
        "duplicate_of": src.get("duplicate_of"),
    }


def country_label(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return str(getattr(country, "common_name", None) or country.name) if country else code


def _last_day(start: date, interval: str) -> date:
    if interval == "day":
        return start
    if interval == "week":
        return start + timedelta(days=6)
    if interval == "year":
        return date(start.year, 12, 31)
    following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return following - timedelta(days=1)


def _published(buckets: list[dict[str, Any]], interval: str) -> list[dict[str, Any]]:
    """Histogram bars: `key` in the interval's resolution, `from`/`to` the first and last day (inclusive, UTC)."""
    bars = []
    for b in buckets:
        start = datetime.fromtimestamp(b["key"] / 1000, tz=UTC).date()
        key = {"year": start.strftime("%Y"), "month": start.strftime("%Y-%m")}.get(interval, start.isoformat())
        bars.append(
            {"key": key, "from": start.isoformat(), "to": _last_day(start, interval).isoformat(), "count": b["doc_count"]}
        )
    return bars


def _buckets(aggs: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """A facet's buckets; none when a partial answer (timed out, a shard failed) came without that aggregation."""
    buckets: list[dict[str, Any]] = aggs.get(name, {}).get("values", {}).get("buckets", [])
    return buckets


def facets_of(aggs: dict[str, Any], interval: str) -> dict[str, list[dict[str, Any]]]:
    facets: dict[str, list[dict[str, Any]]] = {}
    for name in ("location", "source", "language"):
        facets[name] = [{"value": b["key"], "count": b["doc_count"]} for b in _buckets(aggs, name)]
    facets["country"] = [
        {"value": b["key"], "label": country_label(b["key"]), "count": b["doc_count"]} for b in _buckets(aggs, "country")
    ]
    facets["published"] = _published(_buckets(aggs, "published"), interval)
    if "geo" in aggs:
        facets["geo"] = [
            {"value": b["key"], "count": b["doc_count"], **b.get("centre", {}).get("location", {})} for b in _buckets(aggs, "geo")
        ]
    return facets


def suggestions_of(resp: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for option in resp["suggest"]["title"][0]["options"]:
        out.append({"kind": "title", "text": option["_source"].get("title") or option["text"], "id": option["_id"]})
    seen: set[str] = set()
    for option in resp["suggest"]["place"][0]["options"]:
        if option["text"].lower() not in seen:
            seen.add(option["text"].lower())
            loc = option["_source"].get("location") or {}
            is_city = option["text"] == loc.get("city")
            param = {"location": option["text"]} if is_city else {"country": loc.get("country_code") or option["text"]}
            out.append({"kind": "place", "text": option["text"], "id": None, "filter": param})
    return out
