"""The search API: `GET /v1/search` and `GET /v1/articles/<id>`."""

from __future__ import annotations

from typing import Any

from elasticsearch import BadRequestError, Elasticsearch, NotFoundError
from flask import Blueprint, current_app, request

from services.search.params import parse_search_args
from services.search.results import search_answer
from shared.es.queries import search_body
from shared.web import ApiError

bp = Blueprint("search", __name__)


def _es() -> Elasticsearch:
    client: Elasticsearch = current_app.extensions["es"]
    return client


@bp.get("/v1/search")
def search() -> Any:
    settings = current_app.config["SETTINGS"]
    params = parse_search_args(request.args, recency_decay=settings.search_recency_decay)
    try:
        resp = _es().search(index=settings.index_alias, body=search_body(params))
    except BadRequestError as exc:
        # A cursor from another sort order, or a date Elasticsearch could not read.
        raise ApiError(400, "invalid_parameter", f"the search could not run: {exc.message}", "q") from exc
    return search_answer(resp.body, params.size)


@bp.get("/v1/articles/<article_id>")
def article(article_id: str) -> Any:
    settings = current_app.config["SETTINGS"]
    try:
        found = _es().get(index=settings.index_alias, id=article_id, source_excludes=["notes"])
    except NotFoundError as exc:
        raise ApiError(404, "not_found", f"no article {article_id}", "id") from exc
    source: dict[str, Any] = found["_source"]
    return source
