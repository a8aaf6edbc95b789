"""Feed subscriptions: `POST /v1/feeds`, `GET /v1/feeds[/<id>]`, `DELETE /v1/feeds/<id>`, `POST /v1/feeds/<id>/poll`."""

from __future__ import annotations

from typing import Any

import redis
from flask import Blueprint, current_app, request
from kombu.exceptions import OperationalError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from services.ingest.access import caller
from services.ingest.answers import Feed, Feeds, PollQueued
from services.ingest.bodies import read_json
from services.ingest.openapi import BUSY, NOT_FOUND, UNSUPPORTED, api
from services.ingest.queueing import Queue
from services.ingest.routes import validation_error
from shared.feeds import FEEDS_POLL_TASK
from shared.feeds.fetch import refused_address
from shared.feeds.store import FeedStore
from shared.settings import Settings, get_settings
from shared.web.service import ApiError

bp = Blueprint("feeds", __name__)
MAX_INTERVAL_S = 7 * 24 * 3600


class FeedIn(BaseModel):
    """A subscription as clients send it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    url: str = Field(
        max_length=2000,
        description="The RSS or Atom feed's address (http or https); public unless FEED_FETCH_ADDRESSES allows more.",
    )
    interval_s: int = Field(
        default_factory=lambda: get_settings().feed_default_interval_s,
        ge=1,
        le=MAX_INTERVAL_S,
        description="Seconds between polls, at least FEED_MIN_INTERVAL_S (60 by default; 400 below it).",
    )
    source: str | None = Field(None, max_length=500, description="Source name given to its articles (else the feed's title).")
    fetch_pages: bool = Field(
        default_factory=lambda: get_settings().feed_fetch_pages,
        description="Fetch the linked page of entries that carry only a summary.",
    )

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not value.lower().startswith(("http://", "https://")):
            raise ValueError("a feed URL starts with http:// or https://")
        return value


def _store() -> FeedStore:
    settings: Settings = current_app.config["SETTINGS"]
    return FeedStore(current_app.extensions["redis"], settings)


def _found(fid: str) -> dict[str, Any]:
    """The feed, when it is this caller's (its key's, or any for an operator or without keys); else 404, as if unknown."""
    record = _store().get(fid)
    if record is None or not caller().sees(record.get("owner")):
        raise ApiError(404, "not_found", f"no feed {fid}", "id")
    return _store().public(record)


@bp.post("/v1/feeds")
@api.operation(
    "subscribe_feed",
    "feeds",
    {201: (Feed, "subscribed"), 200: (Feed, "already subscribed (its settings updated)"), 415: UNSUPPORTED, 503: BUSY},
    body={"application/json": FeedIn},
)
def subscribe() -> Any:
    """Subscribe to an RSS or Atom feed (201 new, 200 when the URL was already subscribed)"""
    settings: Settings = current_app.config["SETTINGS"]
    data = read_json(request, settings.max_json_depth)
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_field", "a feed must be a JSON object", None)
    try:
        feed = FeedIn.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc) from exc
    refused = refused_address(feed.url, settings.feed_fetch_addresses)
    if refused:
        raise ApiError(400, "invalid_field", f"url: {refused}", "url")
    if feed.interval_s < settings.feed_min_interval_s:
        raise ApiError(400, "invalid_field", f"interval_s is at least {settings.feed_min_interval_s}", "interval_s")
    record, created = _store().add(feed.url, feed.interval_s, feed.source, feed.fetch_pages, owner=caller().key)
    return record, 201 if created else 200


@bp.get("/v1/feeds")
@api.operation("list_feeds", "feeds", {200: (Feeds, "feeds"), 503: BUSY})
def list_feeds() -> Any:
    """Every feed with its last poll, last error, items seen and failing flag"""
    items = [record for record in _store().all() if caller().sees(record.get("owner"))]
    return {"total": len(items), "items": items}


@bp.get("/v1/feeds/<id>")
@api.operation("get_feed", "feeds", {200: (Feed, "the feed"), 404: NOT_FOUND, 503: BUSY})
def get_feed(id: str) -> Any:  # the contract names the path parameter `id`
    """One feed"""
    return _found(id)


@bp.delete("/v1/feeds/<id>")
@api.operation("unsubscribe_feed", "feeds", {204: (None, "removed"), 404: NOT_FOUND, 503: BUSY})
def unsubscribe(id: str) -> Any:
    """Unsubscribe"""
    fid = id
    _found(fid)
    if not _store().delete(fid):
        raise ApiError(404, "not_found", f"no feed {fid}", "id")
    return "", 204


@bp.post("/v1/feeds/<id>/poll")
@api.operation("poll_feed", "feeds", {202: (PollQueued, "poll queued"), 404: NOT_FOUND, 503: BUSY})
def poll_now(id: str) -> Any:
    """Poll this feed now instead of waiting for its turn

    Conditional GET; the lock still keeps polls of one feed from overlapping."""
    fid = id
    feed = _found(fid)
    queue: Queue = current_app.extensions["queue"]
    try:
        queue.celery.send_task(FEEDS_POLL_TASK, args=[fid])
    except OperationalError as exc:
        raise ApiError(503, "queue_unavailable", f"the queue cannot take work now: {exc}", headers={"Retry-After": "5"}) from exc
    return {"id": feed["id"], "status": "poll_queued"}, 202


@bp.errorhandler(redis.RedisError)
def _redis_down(exc: redis.RedisError) -> Any:
    retry = str(current_app.config["SETTINGS"].retry_after_s)
    error = ApiError(503, "store_unavailable", f"the feed store does not answer: {exc}", headers={"Retry-After": retry})
    return {"error": {"code": error.code, "message": error.message, "field": None}}, 503, error.headers
