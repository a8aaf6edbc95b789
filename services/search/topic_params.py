"""A topic's body, checked: its `query` is read by the very model `GET /v1/search` reads (services/search/params.py), so
a bad topic is the same 400 as a bad search; its `webhook_url` passes the address guard of feed fetches."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from werkzeug.datastructures import MultiDict

from services.search.geo import area
from services.search.params import SearchQuery
from shared.feeds.fetch import refused_address
from shared.settings import Settings
from shared.web.openapi import parse_query
from shared.web.service import ApiError

TOPIC_PARAMETERS = ("q", "location", "country", "source", "language", "near", "within", "bbox")
MAX_BODY_BYTES = 64 * 1024
MAX_NAME = 200
MAX_URL = 2048
QueryValue = str | list[str]


class TopicIn(BaseModel):
    """`POST /v1/topics`."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=MAX_NAME, description="What the newsroom calls this story.")
    query: dict[str, QueryValue] = Field(
        default_factory=dict, description=f"The parameters GET /v1/search takes: {', '.join(TOPIC_PARAMETERS)}."
    )
    webhook_url: str | None = Field(None, max_length=MAX_URL, description="Where each match is POSTed (Standard Webhooks).")


class TopicChange(BaseModel):
    """`PATCH /v1/topics/<id>`: the fields given replace the topic's (`webhook_url: null` removes the webhook)."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, min_length=1, max_length=MAX_NAME)
    query: dict[str, QueryValue] | None = None
    webhook_url: str | None = Field(None, max_length=MAX_URL)


def json_body(request: Request) -> dict[str, Any]:
    if request.content_length and request.content_length > MAX_BODY_BYTES:
        raise ApiError(413, "too_large", f"a topic is at most {MAX_BODY_BYTES} bytes")
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "send the topic as application/json")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_json", "the body is not a JSON object")
    return data


def checked_body(data: dict[str, Any], model: type[BaseModel]) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:  # the first field at fault is named
        first = exc.errors(include_url=False)[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        message = f"unknown field {field!r}" if first.get("type") == "extra_forbidden" else f"{field}: {first['msg']}"
        raise ApiError(400, "invalid_field", message, field) from exc


def checked_query(given: dict[str, QueryValue]) -> dict[str, Any]:
    """What the matcher runs (shared/topics/matcher.py): the query normalized by the search's own model."""
    unknown = sorted(set(given) - set(TOPIC_PARAMETERS))
    if unknown:
        raise ApiError(
            400, "invalid_parameter", f"{unknown[0]!r} is not a topic parameter ({', '.join(TOPIC_PARAMETERS)})", unknown[0]
        )
    args: MultiDict[str, str] = MultiDict()
    for name, value in given.items():
        for one in value if isinstance(value, list) else [value]:
            args.add(name, one)
    query = parse_query(SearchQuery, args)
    area(query.near, query.within, query.bbox)  # within without near: the search's 400
    return {
        "q": query.q,
        "filters": {"location": query.location, "country": query.country, "source": query.source, "language": query.language},
        "near": list(query.near) if query.near else None,
        "within": query.within,
        "bbox": list(query.bbox) if query.bbox else None,
    }


def checked_webhook(url: str | None, settings: Settings) -> str | None:
    if url is None:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ApiError(400, "invalid_field", "webhook_url is an http(s) URL", "webhook_url")
    refused = refused_address(url, settings.webhook_fetch_addresses)
    if refused:
        raise ApiError(400, "invalid_field", f"webhook_url: {refused}", "webhook_url")
    return url.strip()
