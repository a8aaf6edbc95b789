"""The search API: `GET /v1/search`, `GET /v1/articles/<id>`, `GET /v1/suggest`. Views hold no query DSL."""

from __future__ import annotations

import logging
from typing import Any

from elasticsearch import ApiError as EsApiError
from elasticsearch import BadRequestError, Elasticsearch, NotFoundError, TransportError
from flask import Blueprint, current_app, jsonify, request

from services.search.cursor import encode_cursor
from services.search.params import parse_search_args
from services.search.results import facets_of, hit_of, suggestions_of
from shared.es.queries import SearchParams, search_body, suggest_body
from shared.settings import Settings
from shared.web import ApiError

bp = Blueprint("search", __name__)
MAX_PREFIX = 100
MAX_ID_BYTES = 512


def _es() -> Elasticsearch:
    client: Elasticsearch = current_app.extensions["es"]
    return client


def _settings() -> Settings:
    settings: Settings = current_app.config["SETTINGS"]
    return settings


def _unavailable(exc: Exception) -> ApiError:
    current_app.logger.warning("elasticsearch unavailable: %s", type(exc).__name__)
    return ApiError(503, "unavailable", "search is unavailable for a moment: try again", None, {"Retry-After": "5"})


def _run(params: SearchParams) -> dict[str, Any]:
    """One page; a relevance-ordered first page opens the point in time its later pages run in."""
    try:
        return _page(params)
    except TransportError as exc:  # connection refused, timeout
        raise _unavailable(exc) from exc
    except EsApiError as exc:
        if exc.meta.status == 429 or exc.meta.status >= 500:
            raise _unavailable(exc) from exc
        raise


def _page(params: SearchParams) -> dict[str, Any]:
    settings = _settings()
    keep_alive = settings.search_pit_keep_alive
    if params.by_relevance and params.pit_id is None:
        params.pit_id = _es().open_point_in_time(index=settings.index_alias, keep_alive=keep_alive)["id"]
    try:
        if params.pit_id:
            resp = _es().search(body=search_body(params, keep_alive))
        else:
            resp = _es().search(index=settings.index_alias, body=search_body(params))
    except NotFoundError as exc:
        if params.search_after is not None:
            raise ApiError(400, "invalid_parameter", "this cursor has expired: search again", "cursor") from exc
        raise
    except BadRequestError as exc:
        # A cursor whose values do not fit this sort order, or a date Elasticsearch could not read.
        field = "cursor" if params.search_after is not None else "q"
        raise ApiError(400, "invalid_parameter", f"the search could not run: {exc.message}", field) from exc
    return dict(resp.body)


def _close(es: Elasticsearch, logger: logging.Logger, pit: str) -> None:
    try:
        es.close_point_in_time(id=pit)
    except (EsApiError, TransportError):
        logger.info("point in time already gone")


@bp.get("/v1/search")
def search() -> Any:
    params = parse_search_args(request.args, recency_decay=_settings().search_recency_decay)
    resp = _run(params)
    raw_hits = resp["hits"]["hits"]
    pit = resp.get("pit_id") or params.pit_id
    total = resp["hits"]["total"]["value"]
    seen = params.seen + len(raw_hits)
    more = len(raw_hits) == params.size and seen < total
    answer = jsonify(
        {
            "total": total,
            "took_ms": resp["took"],
            "next_cursor": encode_cursor(raw_hits[-1]["sort"], params, pit, seen) if more else None,
            "hits": [hit_of(h) for h in raw_hits],
            "facets": facets_of(resp["aggregations"], params.interval),
        }
    )
    if not more and pit:
        es, logger = _es(), current_app.logger
        answer.call_on_close(lambda: _close(es, logger, pit))  # after the answer is sent: no wait for the client
    return answer


@bp.get("/v1/suggest")
def suggest() -> Any:
    prefix = request.args.get("q", "").strip()
    if len(prefix) > MAX_PREFIX:
        raise ApiError(400, "invalid_parameter", f"q is at most {MAX_PREFIX} characters", "q")
    if not prefix:
        return {"suggestions": []}
    try:
        resp = _es().search(index=_settings().index_alias, body=suggest_body(prefix))
    except TransportError as exc:
        raise _unavailable(exc) from exc
    return {"suggestions": suggestions_of(resp.body)}


@bp.get("/v1/articles/<article_id>")
def article(article_id: str) -> Any:
    if len(article_id.encode()) > MAX_ID_BYTES:  # Elasticsearch refuses longer ids with a 400 of its own
        raise ApiError(404, "not_found", "no article with that id", "id")
    try:
        found = _es().get(index=_settings().index_alias, id=article_id, source_excludes=["notes", "*_stem", "*_suggest"])
    except NotFoundError as exc:
        raise ApiError(404, "not_found", f"no article {article_id}", "id") from exc
    except TransportError as exc:
        raise _unavailable(exc) from exc
    source: dict[str, Any] = found["_source"]
    return source
