"""Elasticsearch answers turned into the contract's search answer."""

from __future__ import annotations

import html
import re
from typing import Any

import pycountry

from services.search.params import encode_cursor

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
FALLBACK_CHARS = 240


def fallback_snippet(body: str) -> str:
    """First sentences of the body, escaped, when no word of the query matched it."""
    text = ""
    for sentence in _SENTENCE_END.split(body.strip()):
        if text and len(text) + len(sentence) > FALLBACK_CHARS:
            break
        text = f"{text} {sentence}".strip()
    return html.escape(text[: FALLBACK_CHARS * 2])


def hit_of(raw: dict[str, Any]) -> dict[str, Any]:
    src = raw["_source"]
    loc = src.get("location") or {}
    geo = loc.get("geo") or {}
    highlight = raw.get("highlight", {})
    return {
        "id": raw["_id"],
        "title": src.get("title"),
        "subtitle": src.get("subtitle"),
        "snippet": (highlight.get("body") or [fallback_snippet(src.get("body", ""))])[0],
        "url": src.get("url"),
        "source": src.get("source"),
        "published_at": src.get("published_at"),
        "language": src.get("language"),
        "score": raw.get("_score"),
        "location": {
            "city": loc.get("city"),
            "country": loc.get("country"),
            "country_code": loc.get("country_code"),
            "lat": geo.get("lat"),
            "lon": geo.get("lon"),
        },
    }


def country_label(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return str(getattr(country, "common_name", None) or country.name) if country else code


def facets_of(aggs: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    facets: dict[str, list[dict[str, Any]]] = {}
    for name in ("location", "source", "language"):
        facets[name] = [{"value": b["key"], "count": b["doc_count"]} for b in aggs[name]["values"]["buckets"]]
    facets["country"] = [
        {"value": b["key"], "label": country_label(b["key"]), "count": b["doc_count"]}
        for b in aggs["country"]["values"]["buckets"]
    ]
    buckets = aggs["published"]["values"]["buckets"]
    facets["published"] = [
        {"key": b["key_as_string"], "from": b["key_as_string"], "to": None, "count": b["doc_count"]} for b in buckets
    ]
    for current, following in zip(facets["published"], facets["published"][1:], strict=False):
        current["to"] = following["from"]
    return facets


def search_answer(resp: dict[str, Any], size: int) -> dict[str, Any]:
    raw_hits = resp["hits"]["hits"]
    next_cursor = encode_cursor(raw_hits[-1]["sort"]) if len(raw_hits) == size else None
    return {
        "total": resp["hits"]["total"]["value"],
        "took_ms": resp["took"],
        "next_cursor": next_cursor,
        "hits": [hit_of(h) for h in raw_hits],
        "facets": facets_of(resp["aggregations"]),
    }
