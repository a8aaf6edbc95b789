"""`GET /openapi.json`: the search API described for partners and for schemathesis."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from services.ingest.openapi import ERROR

bp = Blueprint("openapi", __name__)


def _param(name: str, schema: dict[str, Any], repeat: bool = False) -> dict[str, Any]:
    if repeat:
        return {"name": name, "in": "query", "schema": {"type": "array", "items": schema}, "style": "form", "explode": True}
    return {"name": name, "in": "query", "schema": schema}


PARAMETERS = [
    _param("q", {"type": "string", "maxLength": 1000}),
    _param("location", {"type": "string"}, repeat=True),
    _param("country", {"type": "string"}, repeat=True),
    _param("from", {"type": "string"}),
    _param("to", {"type": "string"}),
    _param("source", {"type": "string"}, repeat=True),
    _param("language", {"type": "string"}, repeat=True),
    _param("sort", {"type": "string", "enum": ["relevance", "newest", "oldest"]}),
    _param("size", {"type": "integer", "minimum": 1, "maximum": 100}),
    _param("cursor", {"type": "string"}),
    _param("interval", {"type": "string", "enum": ["day", "week", "month", "year"]}),
    _param("include_duplicates", {"type": "boolean"}),
]

SEARCH_ANSWER = {
    "type": "object",
    "properties": {
        "total": {"type": "integer"},
        "took_ms": {"type": "integer"},
        "next_cursor": {"type": ["string", "null"]},
        "hits": {"type": "array", "items": {"type": "object"}},
        "facets": {"type": "object"},
    },
    "required": ["total", "took_ms", "next_cursor", "hits", "facets"],
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def spec() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "News search API", "version": "1.0.0"},
        "paths": {
            "/v1/search": {
                "get": {
                    "summary": "Full-text search with facets by place, date, source and language",
                    "parameters": PARAMETERS,
                    "responses": {"200": _json(SEARCH_ANSWER, "results"), "400": _json(ERROR, "bad parameter")},
                }
            },
            "/v1/articles/{id}": {
                "get": {
                    "summary": "One normalized article",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {"200": _json({"type": "object"}, "the article"), "404": _json(ERROR, "not found")},
                }
            },
            "/healthz": {"get": {"responses": {"200": {"description": "alive"}}}},
            "/readyz": {"get": {"responses": {"200": {"description": "ready"}, "503": {"description": "a dependency is down"}}}},
        },
    }


@bp.get("/openapi.json")
def openapi_json() -> dict[str, Any]:
    return spec()
