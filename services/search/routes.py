"""The search API: `GET /v1/search`, `GET /v1/articles/<id>`, `GET /v1/suggest`. Views hold no query DSL."""

from __future__ import annotations

from typing import Any

import redis
from elasticsearch import ApiError as EsApiError
from elasticsearch import Elasticsearch, NotFoundError, TransportError
from flask import Blueprint, current_app, g, jsonify

from services.search.answers import Article, SearchAnswer, Suggestions
from services.search.cursor import CursorCodec, cursor_secret, duration_s
from services.search.engine import close_later, refused, run_page, searcher, unavailable
from services.search.openapi import api
from services.search.params import SearchQuery, SuggestQuery, to_params
from services.search.partner import client_id
from services.search.pits import PitSlots
from services.search.results import facets_of, hit_of, suggestions_of
from shared.analysis.document import DERIVED
from shared.es import suggestions
from shared.es.queries import SearchParams, suggest_body
from shared.settings import Settings
from shared.web.openapi import ErrorBody, checked_query
from shared.web.service import ApiError

bp = Blueprint("search", __name__)
MAX_ID_BYTES = 512
BUSY = (ErrorBody, "Elasticsearch unreachable or overloaded for a moment (Retry-After)")
TOO_LONG = (None, "request line over gunicorn's limit (4094 bytes), refused before the service sees it")


def _es() -> Elasticsearch:
    client: Elasticsearch = current_app.extensions["es"]
    return client


def _settings() -> Settings:
    settings: Settings = current_app.config["SETTINGS"]
    return settings


def _slots() -> PitSlots:
    slots: PitSlots = current_app.extensions["pit_slots"]
    return slots


def _codec() -> CursorCodec:
    """Cursors signed for this client (its API key, when keys are configured) with the service's one secret."""
    settings = _settings()
    secret: bytes | None = current_app.extensions.get("cursor_secret")
    if secret is None:
        try:
            secret = cursor_secret(settings, current_app.extensions["redis"])
        except redis.RedisError as exc:
            raise unavailable(exc) from exc
        current_app.extensions["cursor_secret"] = secret
    return CursorCodec(secret, bound_to=g.get("api_key_name") or "", ttl_s=settings.search_cursor_ttl_s)


def _next_cursor(raw_hits: list[dict[str, Any]], params: SearchParams, pit: str | None, slot: str | None) -> str:
    ttl = duration_s(_settings().search_pit_keep_alive) if pit else None  # a point in time lapses sooner
    return _codec().encode(raw_hits[-1]["sort"], params, pit, params.seen + len(raw_hits), slot, ttl)


@bp.get("/v1/search")
@api.operation("search_articles", "search", {200: (SearchAnswer, "results"), 503: BUSY, 414: TOO_LONG}, query=SearchQuery)
def search() -> Any:
    """Full-text search with facets by place, date, source and language"""
    settings = _settings()
    query = checked_query(SearchQuery)
    params = to_params(
        query,
        recency_decay=settings.search_recency_decay,
        cursors=_codec() if query.cursor else None,
        max_prefix_terms=settings.search_max_prefix_terms,
    )
    page = run_page(params, client_id(), _slots())
    raw_hits = page.resp["hits"]["hits"]
    total = page.resp["hits"]["total"]["value"]
    more = len(raw_hits) == params.size and params.seen + len(raw_hits) < total
    answer = jsonify(
        {
            "total": total,
            "took_ms": page.resp["took"],
            "partial": page.partial,
            "paging": "live" if page.live else "stable",
            "next_cursor": _next_cursor(raw_hits, params, page.pit, page.slot) if more else None,
            "hits": [hit_of(h) for h in raw_hits],
            "facets": facets_of(page.resp.get("aggregations") or {}, params.interval),
        }
    )
    if not more and page.pit:  # the last page: close its point in time once the answer is sent
        answer.call_on_close(close_later(searcher(_es()), page.pit, _slots(), page.slot))
    return answer


@bp.get("/v1/suggest")
@api.operation("suggest_completions", "search", {200: (Suggestions, "completions"), 503: BUSY, 414: TOO_LONG}, query=SuggestQuery)
def suggest() -> Any:
    """Title and place completions"""
    prefix = checked_query(SuggestQuery).q
    if not prefix:
        return {"suggestions": []}
    try:
        resp = searcher(_es()).search(
            index=suggestions.index_name(_settings().index_alias), body=suggest_body(prefix, timeout=_settings().search_timeout)
        )
    except TransportError as exc:
        raise unavailable(exc) from exc
    except EsApiError as exc:
        if exc.meta.status in (404, 429) or exc.meta.status >= 500:
            raise unavailable(exc) from exc
        raise refused(exc, SearchParams(q=prefix)) from exc
    return {"suggestions": suggestions_of(resp.body)}


@bp.get("/v1/articles/<id>")
@api.operation(
    "get_article", "articles", {200: (Article, "the article"), 404: (ErrorBody, "not found"), 503: BUSY, 414: TOO_LONG}
)
def article(id: str) -> Any:  # the contract names the path parameter `id`
    """One normalized article"""
    article_id = id
    if len(article_id.encode()) > MAX_ID_BYTES:  # Elasticsearch refuses longer ids with a 400 of its own
        raise ApiError(404, "not_found", "no article with that id", "id")
    try:
        found = _es().get(index=_settings().index_alias, id=article_id, source_excludes=["notes", *DERIVED])
    except NotFoundError as exc:
        raise ApiError(404, "not_found", f"no article {article_id}", "id") from exc
    except TransportError as exc:
        raise unavailable(exc) from exc
    source: dict[str, Any] = found["_source"]
    return source
