"""`GET /openapi.json`: the ingest API described for clients and for schemathesis."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from shared.article import ArticleIn

bp = Blueprint("openapi", __name__)

ERROR = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "field": {"type": ["string", "null"]}},
            "required": ["code", "message"],
        }
    },
    "required": ["error"],
}
ACCEPTED = {
    "type": "object",
    "properties": {"id": {"type": "string"}, "status": {"type": "string"}, "status_url": {"type": "string"}},
    "required": ["id", "status", "status_url"],
}
STATUS = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "status": {"type": "string", "enum": ["queued", "processing", "indexed", "duplicate", "failed"]},
        "error": {"type": ["string", "null"]},
        "updated_at": {"type": "string"},
        "duplicate_of": {"type": "string"},
    },
    "required": ["id", "status", "updated_at"],
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): _json(ERROR, "error") for code in codes}


def spec() -> dict[str, Any]:
    article = ArticleIn.model_json_schema()
    batch = {"type": "object", "properties": {"articles": {"type": "array", "items": article}}, "required": ["articles"]}
    batch_answer = {"type": "object", "properties": {"items": {"type": "array", "items": {"type": "object"}}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "News ingest API", "version": "1.0.0"},
        "paths": {
            "/v1/articles": {
                "post": {
                    "summary": "Queue one article or a batch of up to 1,000",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": {"oneOf": [article, batch]}}}},
                    "responses": {
                        "202": _json({"oneOf": [ACCEPTED, batch_answer]}, "accepted"),
                        **_errors(400, 413, 415, 429, 503),
                    },
                }
            },
            "/v1/articles/raw": {
                "post": {
                    "summary": "Queue a whole page (HTML or text saved from a news page)",
                    "parameters": [
                        {"name": "url", "in": "query", "schema": {"type": "string"}},
                        {"name": "source", "in": "query", "schema": {"type": "string"}},
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"text/html": {"schema": {"type": "string"}}, "text/plain": {"schema": {"type": "string"}}},
                    },
                    "responses": {"202": _json(ACCEPTED, "accepted"), **_errors(400, 413, 415, 429, 503)},
                }
            },
            "/v1/articles/{id}": {
                "get": {
                    "summary": "Where one article stands",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {"200": _json(STATUS, "status"), **_errors(404)},
                }
            },
            "/healthz": {"get": {"responses": {"200": {"description": "alive"}}}},
            "/readyz": {"get": {"responses": {"200": {"description": "ready"}, "503": {"description": "a dependency is down"}}}},
        },
    }


@bp.get("/openapi.json")
def openapi_json() -> dict[str, Any]:
    return spec()
