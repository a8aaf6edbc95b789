"""The ingest API: articles in (JSON, ninjs, batches, whole pages), their status out."""

from __future__ import annotations

from typing import Any

import redis
from flask import Blueprint, current_app, request
from pydantic import ValidationError

from services.ingest.bodies import read_json, read_page
from services.ingest.queueing import Queue
from shared.articles.ids import article_id
from shared.articles.limits import unstorable
from shared.articles.model import ArticleIn, looks_like_ninjs, ninjs_to_article
from shared.delivery.status import StatusStore
from shared.settings import Settings
from shared.web.service import ApiError

bp = Blueprint("articles", __name__)


def _queue() -> Queue:
    queue: Queue = current_app.extensions["queue"]
    return queue


def _settings() -> Settings:
    settings: Settings = current_app.config["SETTINGS"]
    return settings


def validation_error(exc: ValidationError, prefix: str = "") -> ApiError:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or None
    if prefix:
        field = f"{prefix}.{field}" if field else prefix
    return ApiError(400, "invalid_field", first["msg"], field)


def to_payload(data: Any, field_prefix: str = "", ninjs: bool = False) -> dict[str, Any]:
    """The queued payload of one article object (contract fields or ninjs); ApiError(400) when invalid."""
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_field", "an article must be a JSON object", field_prefix or None)
    ninjs = ninjs or looks_like_ninjs(data)
    try:
        article = ArticleIn.model_validate(ninjs_to_article(data) if ninjs else data)
    except ValidationError as exc:
        raise validation_error(exc, field_prefix) from exc
    uri = data.get("uri") if ninjs and isinstance(data.get("uri"), str) else None
    return {
        "id": article_id(article.url or uri, article.title, article.body),
        "kind": "ninjs" if ninjs else "article",
        "article": article.model_dump(),
    }


def accept_batch(items: Any, ninjs: bool) -> tuple[dict[str, Any], int]:
    limit = _settings().max_batch_items
    if not isinstance(items, list):
        raise ApiError(400, "invalid_field", "must be a list of articles", "articles")
    if not items or len(items) > limit:
        raise ApiError(400, "invalid_field", f"a batch holds 1 to {limit} articles, not {len(items)}", "articles")
    answers: list[dict[str, Any]] = []
    valid: list[dict[str, Any]] = []
    for n, item in enumerate(items):
        try:
            valid.append(to_payload(item, f"articles.{n}", ninjs))
            answers.append({})  # filled with its 202 answer below, in input order
        except ApiError as exc:
            if exc.status != 400:
                raise
            answers.append({"error": {"code": exc.code, "message": exc.message, "field": exc.field}})
    if valid:
        with _queue().producer() as producer:
            queued = iter(_queue().submit_many(valid, producer))
        answers = [a or next(queued) for a in answers]
    return {"items": answers}, 202 if valid else 400


@bp.post("/v1/articles")
def post_articles() -> Any:
    data = read_json(request, _settings().max_json_depth)
    ninjs = request.mimetype == "application/ninjs+json"
    _queue().check_capacity()
    if isinstance(data, dict) and "articles" in data:
        return accept_batch(data["articles"], ninjs)
    return _queue().submit(to_payload(data, ninjs=ninjs)), 202


@bp.post("/v1/articles/raw")
def post_raw() -> Any:
    content, mimetype = read_page(request)
    url = request.args.get("url") or None
    source = request.args.get("source") or None
    limit = _settings().max_short_chars
    for name, value in (("url", url), ("source", source)):
        if value and len(value) > limit:
            raise ApiError(400, "invalid_parameter", f"{name} is longer than {limit} characters", name)
        if value and (problem := unstorable(value)):
            raise ApiError(400, "invalid_parameter", f"{name} {problem}", name)
    _queue().check_capacity()
    payload = {
        "id": article_id(url, None, content),
        "kind": "raw",
        "content_type": mimetype,
        "content": content,
        "url": url,
        "source": source,
    }
    return _queue().submit(payload), 202


@bp.get("/v1/articles/<article_id>")
def get_status(article_id: str) -> Any:
    try:
        status = StatusStore(current_app.extensions["redis"], _settings()).get(article_id)
    except redis.RedisError as exc:
        retry = {"Retry-After": str(_settings().retry_after_s)}
        raise ApiError(503, "status_unavailable", f"the status store does not answer: {exc}", headers=retry) from exc
    if status is None:
        raise ApiError(404, "not_found", f"no article {article_id} is known", "id")
    return status
