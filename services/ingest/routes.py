"""The ingest API: articles in, their status out."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, request
from pydantic import ValidationError

from services.ingest.queueing import Queue
from shared.article import ArticleIn
from shared.ids import article_id
from shared.status import StatusStore
from shared.web import ApiError

bp = Blueprint("articles", __name__)


def _queue() -> Queue:
    queue: Queue = current_app.extensions["queue"]
    return queue


def validation_error(exc: ValidationError, prefix: str = "") -> ApiError:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or None
    if prefix:
        field = f"{prefix}.{field}" if field else prefix
    return ApiError(400, "invalid_field", first["msg"], field)


def accept_article(data: Any, field_prefix: str = "") -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_field", "an article must be a JSON object", field_prefix or None)
    try:
        article = ArticleIn.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc, field_prefix) from exc
    payload = {
        "id": article_id(article.url, article.title, article.body),
        "kind": "article",
        "article": article.model_dump(),
    }
    return _queue().submit(payload)


def accept_batch(items: Any) -> tuple[dict[str, Any], int]:
    limit = current_app.config["SETTINGS"].max_batch_items
    if not isinstance(items, list):
        raise ApiError(400, "invalid_field", "must be a list of articles", "articles")
    if not items or len(items) > limit:
        raise ApiError(400, "invalid_field", f"a batch holds 1 to {limit} articles, not {len(items)}", "articles")
    answers: list[dict[str, Any]] = []
    for n, item in enumerate(items):
        try:
            answers.append(accept_article(item, f"articles.{n}"))
        except ApiError as exc:
            if exc.status != 400:
                raise
            answers.append({"error": {"code": exc.code, "message": exc.message, "field": exc.field}})
    accepted = any("id" in a for a in answers)
    return {"items": answers}, 202 if accepted else 400


@bp.post("/v1/articles")
def post_articles() -> Any:
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "send application/json", "Content-Type")
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, "invalid_json", "the body is not valid JSON", "body")
    if isinstance(data, dict) and "articles" in data:
        return accept_batch(data["articles"])
    return accept_article(data), 202


@bp.post("/v1/articles/raw")
def post_raw() -> Any:
    mimetype = request.mimetype
    if mimetype not in ("text/html", "text/plain", "application/xhtml+xml"):
        raise ApiError(415, "unsupported_media_type", "send text/html or text/plain", "Content-Type")
    raw = request.get_data()
    try:
        content = raw.decode(request.mimetype_params.get("charset", "utf-8"))
    except (UnicodeDecodeError, LookupError) as exc:
        raise ApiError(400, "invalid_encoding", f"the body is not in its declared charset: {exc}", "body") from exc
    if not content.strip():
        raise ApiError(400, "invalid_field", "the page is empty", "body")
    url = request.args.get("url")
    payload = {
        "id": article_id(url, None, content),
        "kind": "raw",
        "content_type": mimetype,
        "content": content,
        "url": url,
        "source": request.args.get("source"),
    }
    return _queue().submit(payload), 202


@bp.get("/v1/articles/<article_id>")
def get_status(article_id: str) -> Any:
    status = StatusStore(current_app.extensions["redis"]).get(article_id)
    if status is None:
        raise ApiError(404, "not_found", f"no article {article_id} is known", "id")
    return status
