"""`GET /openapi.json`: the ingest API described for clients and for schemathesis."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app

from services.ingest.feeds import FeedIn
from shared.articles.model import ArticleIn
from shared.web.openapi import ERROR, json_answer

bp = Blueprint("openapi", __name__)

ACCEPTED = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "status": {"type": "string", "enum": ["queued"]},
        "status_url": {"type": "string"},
        "previous_status": {"type": "string", "description": "present when the service already knew this article"},
    },
    "required": ["id", "status", "status_url"],
}
NINJS = {
    "type": "object",
    "description": "An IPTC ninjs 1.x or 2.x object (uri, headline/headlines, body_html/body_text/bodies, ...)",
    "additionalProperties": True,
}
FEED = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "url": {"type": "string"},
        "owner": {"type": ["string", "null"], "description": "the name of the API key that subscribed it (null without keys)"},
        "interval_s": {"type": "integer"},
        "source": {"type": ["string", "null"]},
        "fetch_pages": {"type": "boolean"},
        "created_at": {"type": "string"},
        "last_poll_at": {"type": ["string", "null"]},
        "last_success_at": {"type": ["string", "null"]},
        "last_status": {"type": "string", "enum": ["new", "ok", "not_modified", "error"]},
        "last_error": {"type": ["string", "null"]},
        "failures": {"type": "integer", "description": "failed polls in a row"},
        "failing": {"type": "boolean", "description": "FEED_FAILING_AFTER failed polls in a row or more"},
        "polls": {"type": "integer"},
        "items_seen": {"type": "integer", "description": "entries queued as articles so far"},
        "next_poll_at": {"type": ["string", "null"]},
        "etag": {"type": ["string", "null"]},
        "last_modified": {"type": ["string", "null"]},
    },
    "required": ["id", "url", "interval_s", "last_status", "failing", "items_seen"],
}
ID_PARAM = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
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


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): json_answer(ERROR, "error") for code in codes}


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
                    "summary": "Queue one article, a ninjs object or a batch of up to 1,000 (answered item by item)",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"oneOf": [article, batch, NINJS]}},
                            "application/ninjs+json": {"schema": {"oneOf": [NINJS, batch]}},
                        },
                    },
                    "responses": {
                        "202": json_answer({"oneOf": [ACCEPTED, batch_answer]}, "accepted"),
                        **_errors(400, 413, 415, 429, 503),
                        # A batch of which no item was accepted is a 400 listing each item's error (found by schemathesis).
                        "400": json_answer({"anyOf": [ERROR, batch_answer]}, "an invalid article, or a batch with no valid item"),
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
                    "responses": {"202": json_answer(ACCEPTED, "accepted"), **_errors(400, 413, 415, 429, 503)},
                }
            },
            "/v1/articles/{id}": {
                "get": {
                    "summary": "Where one article stands",
                    "parameters": [ID_PARAM],
                    "responses": {"200": json_answer(STATUS, "status"), **_errors(404, 503)},
                }
            },
            "/v1/feeds": {
                "post": {
                    "summary": "Subscribe to an RSS or Atom feed (201 new, 200 when the URL was already subscribed)",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": FeedIn.model_json_schema()}}},
                    "responses": {
                        "201": json_answer(FEED, "subscribed"),
                        "200": json_answer(FEED, "already subscribed"),
                        **_errors(400, 415, 503),
                    },
                },
                "get": {
                    "summary": "Every feed with its last poll, last error, items seen and failing flag",
                    "responses": {
                        "200": json_answer(
                            {
                                "type": "object",
                                "properties": {"total": {"type": "integer"}, "items": {"type": "array", "items": FEED}},
                            },
                            "feeds",
                        ),
                        **_errors(503),
                    },
                },
            },
            "/v1/feeds/{id}": {
                "get": {"parameters": [ID_PARAM], "responses": {"200": json_answer(FEED, "the feed"), **_errors(404, 503)}},
                "delete": {
                    "summary": "Unsubscribe",
                    "parameters": [ID_PARAM],
                    "responses": {"204": {"description": "removed"}, **_errors(404, 503)},
                },
            },
            "/v1/feeds/{id}/poll": {
                "post": {
                    "summary": "Poll this feed now (conditional GET; never overlapping another poll of it)",
                    "parameters": [ID_PARAM],
                    "responses": {"202": json_answer({"type": "object"}, "poll queued"), **_errors(404, 503)},
                }
            },
            "/healthz": {"get": {"responses": {"200": {"description": "alive"}}}},
            "/readyz": {"get": {"responses": {"200": {"description": "ready"}, "503": {"description": "a dependency is down"}}}},
        },
    }


ACCESS_ERRORS = {
    "401": json_answer(ERROR, "X-API-Key missing or unknown (only when INGEST_API_KEYS are configured)"),
    "429": {
        **json_answer(ERROR, "the rate limit of this key or address, or (articles) the queue is full"),
        "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds to wait"}},
    },
}


def with_access(body: dict[str, Any], keys_required: bool) -> dict[str, Any]:
    """Every /v1 operation: 401 and 429, and the API key (required when keys are configured)."""
    body["components"] = {"securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}}}
    for path, operations in body["paths"].items():
        if path.startswith("/v1/"):
            for operation in operations.values():
                operation["responses"] = {**ACCESS_ERRORS, **operation["responses"]}
                operation["security"] = [{"apiKey": []}] if keys_required else [{}, {"apiKey": []}]
    feed_in = body["paths"]["/v1/feeds"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    feed_in["properties"]["interval_s"]["minimum"] = current_app.config["SETTINGS"].feed_min_interval_s
    return body


@bp.get("/openapi.json")
def openapijson_answer() -> dict[str, Any]:
    return with_access(spec(), bool(current_app.extensions.get("api_keys")))
