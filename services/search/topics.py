"""Topics, saved searches (docs/topics.md): `POST/GET /v1/topics`, `GET/PATCH/DELETE /v1/topics/<id>`.

A topic belongs to the API key that made it (without keys, to the service); another key gets a 404. Its
webhook secret is shown once, in the answer that made it (or that first gave it a webhook).
"""

from __future__ import annotations

from typing import Any, TypeVar

import redis
from flask import Blueprint, current_app, g, request

from services.search.answers import TopicAnswer, TopicList
from services.search.openapi import api
from services.search.topic_params import TopicChange, TopicIn, checked_body, checked_query, checked_webhook, json_body
from shared.settings import Settings
from shared.topics.store import QuotaExceeded, TopicStore, public
from shared.web.openapi import ErrorBody
from shared.web.service import ApiError, error_response

bp = Blueprint("topics", __name__)
NOT_FOUND = (ErrorBody, "no such topic of this API key")
BUSY = (ErrorBody, "Redis unreachable for a moment (Retry-After)")

T = TypeVar("T")


def _settings() -> Settings:
    settings: Settings = current_app.config["SETTINGS"]
    return settings


def _store() -> TopicStore:
    return TopicStore(current_app.extensions["redis"], _settings())


def _owner() -> str | None:
    name: str | None = g.get("api_key_name")
    return name


def _found(record: T | None, topic_id: str) -> T:
    if record is None:
        raise ApiError(404, "not_found", f"no topic {topic_id}", "id")
    return record


def _shown(record: dict[str, Any], with_secret: bool = False) -> dict[str, Any]:
    shown = public(record)
    if with_secret and record.get("webhook_secret"):
        shown["webhook_secret"] = record["webhook_secret"]
    return shown


@bp.errorhandler(redis.RedisError)
def redis_away(exc: redis.RedisError) -> Any:
    """Topics and their streams without Redis: a 503 to try again shortly."""
    answer, status = error_response(503, "unavailable", "topics are unavailable for a moment: try again")
    answer.headers["Retry-After"] = "5"
    return answer, status


@bp.post("/v1/topics")
@api.operation(
    "create_topic",
    "topics",
    {201: (TopicAnswer, "the topic, with its webhook secret this once"), 409: (ErrorBody, "topic quota reached"), 503: BUSY},
    body={"application/json": TopicIn},
)
def create() -> Any:
    """Save a search as a topic: every new article it matches is pushed (SSE, webhook)"""
    topic = checked_body(json_body(request), TopicIn)
    match = checked_query(topic.query)
    webhook = checked_webhook(topic.webhook_url, _settings())
    try:
        record = _store().create(topic.name, topic.query, match, webhook, _owner())
    except QuotaExceeded as exc:
        raise ApiError(409, "topic_quota", str(exc)) from exc
    return _shown(record, with_secret=True), 201


@bp.get("/v1/topics")
@api.operation("list_topics", "topics", {200: (TopicList, "this API key's topics"), 503: BUSY})
def list_topics() -> Any:
    """This API key's topics"""
    return {"items": [_shown(r) for r in _store().owned(_owner())]}


@bp.get("/v1/topics/<id>")
@api.operation("get_topic", "topics", {200: (TopicAnswer, "the topic"), 404: NOT_FOUND, 503: BUSY})
def get_topic(id: str) -> Any:  # the contract names the path parameter `id`
    """One topic"""
    return _shown(_found(_store().get(id, _owner()), id))


@bp.patch("/v1/topics/<id>")
@api.operation(
    "change_topic",
    "topics",
    {200: (TopicAnswer, "the changed topic (with a new webhook's secret)"), 404: NOT_FOUND, 503: BUSY},
    body={"application/json": TopicChange},
)
def change(id: str) -> Any:
    """Rename a topic, change its query or its webhook"""
    data = json_body(request)
    change = checked_body(data, TopicChange)
    changes: dict[str, Any] = {}
    if change.name is not None:
        changes["name"] = change.name
    if change.query is not None:
        changes.update(query=change.query, match=checked_query(change.query))
    if "webhook_url" in data:
        changes["webhook_url"] = checked_webhook(change.webhook_url, _settings())
    record, new_secret = _found(_store().update(id, _owner(), changes), id)
    return _shown(record, with_secret=new_secret)


@bp.delete("/v1/topics/<id>")
@api.operation("delete_topic", "topics", {204: (None, "deleted, with its events"), 404: NOT_FOUND, 503: BUSY})
def delete(id: str) -> Any:
    """Delete a topic: its events and pending webhook deliveries end"""
    _found({} if _store().delete(id, _owner()) else None, id)
    return "", 204
