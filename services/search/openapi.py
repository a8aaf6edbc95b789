"""`GET /openapi.json`: the search API described for partners and for schemathesis."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app

from shared.web.openapi import ERROR, json_answer

bp = Blueprint("openapi", __name__)

NULLABLE_STRING = {"type": "string", "nullable": True}
NULLABLE_NUMBER = {"type": "number", "nullable": True}


def _param(name: str, schema: dict[str, Any], description: str, repeat: bool = False) -> dict[str, Any]:
    if repeat:
        schema = {"type": "array", "items": schema}
        return {"name": name, "in": "query", "schema": schema, "style": "form", "explode": True, "description": description}
    return {"name": name, "in": "query", "schema": schema, "description": description}


PARAMETERS = [
    _param(
        "q",
        {"type": "string", "maxLength": 1000},
        'Full text of title, subtitle, body and dateline place: "phrase", -exclude, a OR b, a AND b, NOT a, prefix*, ( ). '
        "At most 64 words and 8 prefix terms, each with 2 characters or more before the *.",
    ),
    _param("location", {"type": "string"}, "City; repeat for any of several.", repeat=True),
    _param("country", {"type": "string"}, "ISO 3166 alpha-2 code or English name; repeatable.", repeat=True),
    _param("from", {"type": "string"}, "Inclusive start: a date (the whole day) or an ISO 8601 datetime with offset."),
    _param("to", {"type": "string"}, "Inclusive end: a date (the whole day) or an ISO 8601 datetime with offset."),
    _param("source", {"type": "string"}, "Publisher; repeatable.", repeat=True),
    _param("language", {"type": "string"}, "ISO 639-1 code; repeatable.", repeat=True),
    _param(
        "sort", {"type": "string", "enum": ["relevance", "newest", "oldest"]}, "Order (relevance: newest first when q is empty)."
    ),
    _param("size", {"type": "integer", "minimum": 1, "maximum": 100}, "Hits per page (default 10)."),
    _param("cursor", {"type": "string"}, "next_cursor of the previous page (same q and sort), signed and short-lived."),
    _param("interval", {"type": "string", "enum": ["day", "week", "month", "year"]}, "Date histogram bar width."),
    _param("include_duplicates", {"type": "boolean"}, "Also list articles found to duplicate another (default false)."),
    _param("near", {"type": "string"}, "lat,lon: only articles placed within `within` of this point."),
    _param("within", {"type": "string"}, "Distance above 0 for near, such as 50km (default), 800m, 20mi."),
    _param("bbox", {"type": "string"}, "top,left,bottom,right (lat,lon,lat,lon): only articles placed inside."),
    _param("facets", {"type": "string", "enum": ["geo"]}, "Extra facets: geo adds a geohash grid.", repeat=True),
    _param(
        "geo_precision",
        {"type": "integer", "minimum": 1, "maximum": 8},
        "Geohash length of the geo facet (default 3); above 3 only over an area (bbox, near/within) of at most 32768 cells.",
    ),
]

LOCATION = {
    "type": "object",
    "properties": {
        "city": NULLABLE_STRING,
        "country": NULLABLE_STRING,
        "country_code": NULLABLE_STRING,
        "lat": NULLABLE_NUMBER,
        "lon": NULLABLE_NUMBER,
    },
    "required": ["city", "country", "country_code", "lat", "lon"],
}
HIT = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "title": NULLABLE_STRING,
        "subtitle": NULLABLE_STRING,
        "snippet": {"type": "string", "description": "Matched words in <mark>, everything else HTML-escaped."},
        "url": NULLABLE_STRING,
        "source": NULLABLE_STRING,
        "published_at": NULLABLE_STRING,
        "language": NULLABLE_STRING,
        "score": NULLABLE_NUMBER,
        "location": LOCATION,
        "duplicate_of": NULLABLE_STRING,
    },
    "required": ["id", "title", "snippet", "url", "source", "published_at", "language", "score", "location"],
}
VALUE_COUNT = {
    "type": "object",
    "properties": {"value": {"type": "string"}, "count": {"type": "integer"}},
    "required": ["value", "count"],
}
COUNTRY_COUNT = {
    "type": "object",
    "properties": {"value": {"type": "string"}, "label": {"type": "string"}, "count": {"type": "integer"}},
    "required": ["value", "label", "count"],
}
BAR = {
    "type": "object",
    "properties": {
        "key": {"type": "string"},
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
        "count": {"type": "integer"},
    },
    "required": ["key", "from", "to", "count"],
}
CELL = {
    "type": "object",
    "properties": {
        "value": {"type": "string"},
        "count": {"type": "integer"},
        "lat": {"type": "number"},
        "lon": {"type": "number"},
    },
    "required": ["value", "count"],
}
FACETS = {
    "type": "object",
    "properties": {
        "location": {"type": "array", "items": VALUE_COUNT},
        "country": {"type": "array", "items": COUNTRY_COUNT},
        "source": {"type": "array", "items": VALUE_COUNT},
        "language": {"type": "array", "items": VALUE_COUNT},
        "published": {"type": "array", "items": BAR},
        "geo": {"type": "array", "items": CELL},
    },
    "required": ["location", "country", "source", "language", "published"],
}
SEARCH_ANSWER = {
    "type": "object",
    "properties": {
        "total": {"type": "integer"},
        "took_ms": {"type": "integer"},
        "partial": {"type": "boolean", "description": "Elasticsearch ran out of time (SEARCH_TIMEOUT): hits and counts so far."},
        "paging": {
            "type": "string",
            "enum": ["stable", "live"],
            "description": "live: a relevance order paged without a point in time (this client's cap reached); "
            "pages may repeat or skip an article while articles arrive.",
        },
        "next_cursor": NULLABLE_STRING,
        "hits": {"type": "array", "items": HIT},
        "facets": FACETS,
    },
    "required": ["total", "took_ms", "partial", "paging", "next_cursor", "hits", "facets"],
}
SUGGESTIONS = {
    "type": "object",
    "properties": {
        "suggestions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "kind": {"type": "string", "enum": ["title", "place"]},
                    "text": {"type": "string"},
                    "id": NULLABLE_STRING,
                    "filter": {"type": "object", "additionalProperties": {"type": "string"}},
                },
                "required": ["kind", "text", "id"],
            },
        }
    },
    "required": ["suggestions"],
}
ARTICLE = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "title": {"type": "string"}, "body": {"type": "string"}},
    "required": ["id"],
    "description": "The whole normalized article (see the README's field list).",
}
HEALTH = {"type": "object"}


def _partner_errors() -> dict[str, Any]:
    return {
        "401": json_answer(ERROR, "X-API-Key missing or unknown (only when keys are configured)"),
        "429": {
            **json_answer(ERROR, "rate limit of this API key (without keys: this client address) exceeded"),
            "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds to wait"}},
        },
        "503": json_answer(ERROR, "Elasticsearch unreachable or overloaded for a moment (Retry-After)"),
        "414": {"description": "request line over gunicorn's limit (4094 bytes), refused before the service sees it"},
    }


def _get(summary: str, parameters: list[dict[str, Any]], ok: dict[str, Any], **errors: Any) -> dict[str, Any]:
    responses = {"200": ok, "400": json_answer(ERROR, "a bad parameter, named in error.field"), **_partner_errors(), **errors}
    return {"get": {"summary": summary, "parameters": parameters, "responses": responses, "security": [{}, {"apiKey": []}]}}


def spec() -> dict[str, Any]:
    article_id = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
    no_controls = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f]*$"  # tab, newline, return count as spaces
    prefix = _param("q", {"type": "string", "maxLength": 100, "pattern": no_controls}, "What the user typed so far.")
    return {
        "openapi": "3.0.3",
        "info": {"title": "News search API", "version": "1.0.0"},
        "components": {"securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}}},
        "paths": {
            "/v1/search": _get(
                "Full-text search with facets by place, date, source and language",
                PARAMETERS,
                json_answer(SEARCH_ANSWER, "results"),
            ),
            "/v1/articles/{id}": _get(
                "One normalized article",
                [article_id],
                json_answer(ARTICLE, "the article"),
                **{"404": json_answer(ERROR, "not found")},
            ),
            "/v1/suggest": _get("Title and place completions", [prefix], json_answer(SUGGESTIONS, "completions")),
            "/healthz": {"get": {"summary": "Process alive", "responses": {"200": json_answer(HEALTH, "alive")}}},
            "/readyz": {
                "get": {
                    "summary": "Redis and Elasticsearch reachable",
                    "responses": {"200": json_answer(HEALTH, "ready"), "503": json_answer(HEALTH, "a dependency is down")},
                }
            },
        },
    }


@bp.get("/openapi.json")
def openapijson_answer() -> dict[str, Any]:
    body = spec()
    if current_app.extensions.get("api_keys"):
        for path in body["paths"].values():
            if "security" in path["get"]:
                path["get"]["security"] = [{"apiKey": []}]
    return body
