"""The search API: `GET /v1/search`, `GET /v1/articles/<id>`, `GET /v1/suggest`. Views hold no query DSL."""

from __future__ import annotations

import re
from typing import Any

import redis
from elasticsearch import ApiError as EsApiError
from elasticsearch import Elasticsearch, NotFoundError, TransportError
from flask import Blueprint, current_app, g, jsonify, request

from services.search.cursor import CursorCodec, cursor_secret, duration_s
from services.search.engine import close_later, refused, run_page, searcher, unavailable
from services.search.errors import bad
from services.search.params import parse_search_args
from services.search.partner import client_id
from services.search.pits import PitSlots
from services.search.results import facets_of, hit_of, suggestions_of
from shared.es.queries import SearchParams, suggest_body
from shared.settings import Settings
from shared.web.service import ApiError

bp = Blueprint("search", __name__)
MAX_PREFIX = 100
MAX_ID_BYTES = 512
# Control characters other than tab, newline and return (folded into spaces): the completion field reserves
# some of them (U+0000, U+001E, U+001F) and none belongs in what a user types.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


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
def search() -> Any:
    settings = _settings()
    params = parse_search_args(
        request.args,
        recency_decay=settings.search_recency_decay,
        cursors=_codec() if request.args.get("cursor") else None,
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
def suggest() -> Any:
    raw = request.args.get("q", "")
    if CONTROL.search(raw):
        raise bad("q", "q holds a control character")
    prefix = " ".join(raw.split())
    if len(prefix) > MAX_PREFIX:
        raise bad("q", f"q is at most {MAX_PREFIX} characters")
    if not prefix:
        return {"suggestions": []}
    try:
        resp = searcher(_es()).search(
            index=_settings().index_alias, body=suggest_body(prefix, timeout=_settings().search_timeout)
        )
    except TransportError as exc:
        raise unavailable(exc) from exc
    except EsApiError as exc:
        if exc.meta.status in (404, 429) or exc.meta.status >= 500:
            raise unavailable(exc) from exc
        raise refused(exc, SearchParams(q=prefix)) from exc
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
        raise unavailable(exc) from exc
    source: dict[str, Any] = found["_source"]
    return source
