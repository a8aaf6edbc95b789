"""The ingest API: articles in (JSON, ninjs, batches, whole pages), their status out."""

from __future__ import annotations

from typing import Any

import redis
from flask import Blueprint, current_app, request
from pydantic import ValidationError

from services.ingest.answers import (
    Accepted,
    ArticleBatch,
    ArticlesAccepted,
    ArticlesRefused,
    NinjsArticle,
    NinjsBatch,
    RawPageQuery,
    Status,
)
from services.ingest.bodies import read_json, read_page
from services.ingest.openapi import BUSY, NOT_FOUND, TOO_LARGE, UNSUPPORTED, api
from services.ingest.queueing import Queue
from shared.articles.ids import article_id
from shared.articles.model import ArticleIn, looks_like_ninjs, ninjs_to_article
from shared.delivery.status import StatusStore
from shared.settings import Settings
from shared.web.openapi import ErrorBody, checked_query
from shared.web.service import ApiError

bp = Blueprint("articles", __name__)
PAGE = {"type": "string", "format": "binary", "description": "The page; text/html and text/plain are taken as well."}


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
@api.operation(
    "ingest_article",
    "articles",
    {
        202: (ArticlesAccepted, "queued: the article, or each accepted item of a batch"),
        400: (ArticlesRefused, "an invalid article, or a batch with no valid item"),
        413: TOO_LARGE,
        415: UNSUPPORTED,
        503: BUSY,
    },
    body={"application/json": ArticleIn | ArticleBatch | NinjsArticle | NinjsBatch},
)
def post_articles() -> Any:
    """Queue one article, a ninjs object or a batch of up to 1,000 (answered item by item)

    A ninjs object is told from an article by its fields; sent as application/ninjs+json, every object is read as
    ninjs. (One media type in the document: openapi-python-client's functions with two do not import.)"""
    data = read_json(request, _settings().max_json_depth)
    ninjs = request.mimetype == "application/ninjs+json"
    _queue().check_capacity()
    if isinstance(data, dict) and "articles" in data:
        return accept_batch(data["articles"], ninjs)
    return _queue().submit(to_payload(data, ninjs=ninjs)), 202


@bp.post("/v1/articles/raw")
@api.operation(
    "ingest_raw_article",
    "articles",
    {202: (Accepted, "queued"), 400: (ErrorBody, "a bad page or parameter"), 413: TOO_LARGE, 415: UNSUPPORTED, 503: BUSY},
    query=RawPageQuery,
    body={"application/octet-stream": PAGE},
)
def post_raw() -> Any:
    """Queue a whole page (HTML or text saved from a news page)

    Send it as text/html or text/plain (with its charset), or as application/octet-stream: the service then tells
    HTML from text by its first characters. The workers extract title, subtitle, body, dateline place and date."""
    query = checked_query(RawPageQuery)
    content, mimetype = read_page(request)
    url, source = query.url, query.source
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


@bp.get("/v1/articles/<id>")
@api.operation("get_article_status", "articles", {200: (Status, "where it stands"), 404: NOT_FOUND, 503: BUSY})
def get_status(id: str) -> Any:  # the contract names the path parameter `id`
    """Where one article stands"""
    article_id = id
    try:
        status = StatusStore(current_app.extensions["redis"], _settings()).get(article_id)
    except redis.RedisError as exc:
        retry = {"Retry-After": str(_settings().retry_after_s)}
        raise ApiError(503, "status_unavailable", f"the status store does not answer: {exc}", headers=retry) from exc
    if status is None:
        raise ApiError(404, "not_found", f"no article {article_id} is known", "id")
    return status
