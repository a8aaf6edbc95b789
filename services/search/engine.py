"""One page of a search on Elasticsearch: its point in time, its time budget, and its errors in our words.

Every search carries SEARCH_TIMEOUT: past it Elasticsearch answers with what it found so far
(`timed_out`), which the answer flags as `partial`; a search that timed out on the client side is
not sent again (the client's retry would only repeat an expensive query). A relevance order opens a
point in time for its first page if its client holds fewer than SEARCH_PIT_MAX_PER_CLIENT; otherwise
it pages on the live index by search_after on (score, published_at, id), flagged `paging: live`.
Elasticsearch's refusals become a 400 naming the parameter at fault, never its exception text.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import redis
from elasticsearch import ApiError as EsApiError
from elasticsearch import Elasticsearch, NotFoundError, TransportError
from flask import current_app

from services.search.errors import bad
from services.search.pits import PitSlots
from shared.es.queries import SearchParams, search_body
from shared.settings import Settings
from shared.web.service import ApiError

log = logging.getLogger(__name__)


@dataclass
class Page:
    resp: dict[str, Any]
    pit: str | None  # the point in time the next page runs in
    slot: str | None  # its place in the client's cap
    live: bool  # a relevance order paging without a point in time

    @property
    def partial(self) -> bool:
        shards = self.resp.get("_shards") or {}
        return bool(self.resp.get("timed_out")) or bool(shards.get("failed"))


def unavailable(exc: Exception) -> ApiError:
    log.warning("elasticsearch unavailable: %s", type(exc).__name__)
    return ApiError(503, "unavailable", "search is unavailable for a moment: try again", None, {"Retry-After": "5"})


def searcher(es: Elasticsearch) -> Elasticsearch:
    """The client as searches use it: a timeout is answered, never retried."""
    return es.options(retry_on_timeout=False)


def run_page(params: SearchParams, client: str, slots: PitSlots) -> Page:
    """One page; a relevance-ordered first page opens the point in time its later pages run in, within the cap."""
    try:
        return _page(params, client, slots)
    except TransportError as exc:  # connection refused, timeout
        raise unavailable(exc) from exc
    except EsApiError as exc:
        if exc.meta.status in (404, 429) or exc.meta.status >= 500:  # 404: no index behind the alias yet
            raise unavailable(exc) from exc
        raise refused(exc, params) from exc


def _take_slot(client: str, slots: PitSlots) -> str | None:
    try:
        return slots.take(client)
    except redis.RedisError:
        log.warning("cannot count points in time in Redis: paging without one")
        return None


def _open(params: SearchParams, client: str, slots: PitSlots, settings: Settings, es: Elasticsearch) -> bool:
    """A point in time for this relevance order's first page, if the client may hold one more (else paging is live)."""
    params.pit_slot = _take_slot(client, slots)
    if params.pit_slot is None:
        return False
    try:
        params.pit_id = es.open_point_in_time(index=settings.index_alias, keep_alive=settings.search_pit_keep_alive)["id"]
    except Exception:
        _forget(slots, params.pit_slot)
        raise
    return True


def _page(params: SearchParams, client: str, slots: PitSlots) -> Page:
    settings: Settings = current_app.config["SETTINGS"]
    es = searcher(current_app.extensions["es"])
    keep_alive = settings.search_pit_keep_alive
    live = params.by_relevance and params.pit_id is None
    if live and params.search_after is None:
        live = not _open(params, client, slots, settings, es)
    body = search_body(params, keep_alive, settings.search_timeout, settings.search_highlight_max_chars)
    try:
        resp = es.search(body=body) if params.pit_id else es.search(index=settings.index_alias, body=body)
    except NotFoundError as exc:
        if params.pit_id and params.search_after is not None:
            _forget(slots, params.pit_slot)
            raise bad("cursor", "this cursor has expired: search again") from exc
        raise
    except Exception:
        if params.pit_id and params.search_after is None:  # the first page failed: nobody will page in it
            close_later(es, params.pit_id, slots, params.pit_slot)()
        raise
    if params.pit_slot and params.search_after is not None:
        _renew(slots, params.pit_slot)
    return Page(dict(resp.body), resp.get("pit_id") or params.pit_id, params.pit_slot, live)


def _renew(slots: PitSlots, slot: str) -> None:
    try:
        slots.renew(slot)
    except redis.RedisError:
        log.warning("cannot renew a point in time's slot in Redis")


def _forget(slots: PitSlots, slot: str | None) -> None:
    if slot:
        try:
            slots.release(slot)
        except redis.RedisError:
            log.warning("cannot give back a point in time's slot in Redis: it lapses with its keep-alive")


def close_later(es: Elasticsearch, pit: str, slots: PitSlots, slot: str | None) -> Any:
    """What closes a point in time and gives back its slot (run after the answer is sent: no wait for the client)."""

    def close() -> None:
        try:
            es.close_point_in_time(id=pit)
        except (EsApiError, TransportError):
            log.info("point in time already gone")
        _forget(slots, slot)

    return close


def _field_at_fault(reason: str, params: SearchParams) -> str | None:
    """Which parameter Elasticsearch's refusal is about, from the fields and limits its reason names."""
    if "published_at" in reason or "date" in reason:
        return "from" if params.published_from else "to" if params.published_before else None
    if "geo" in reason or "distance" in reason or "bounding" in reason:
        return "near" if params.geo.near else "bbox" if params.geo.box else "geo_precision" if params.geo_facet else None
    if "too_many_buckets" in reason:
        return "geo_precision" if params.geo_facet else "interval"
    if "search_after" in reason or "point_in_time" in reason or "search_context" in reason:
        return "cursor"
    return "q" if params.q.strip() else None


def refused(exc: EsApiError, params: SearchParams) -> ApiError:
    """A 400 naming the parameter at fault, with our message; Elasticsearch's own words go to the log only."""
    reason = json.dumps(exc.body, default=str)[:4000].lower()
    field = _field_at_fault(reason, params)
    log.warning("elasticsearch refused a search (blamed on %s): %s", field, reason[:1000])
    what = f"this value of {field}" if field else "these parameters"
    return bad(field, f"the search cannot run with {what}: change it and search again")
