"""`GET /v1/topics/<id>/events`: a topic's matches as Server-Sent Events (docs/topic-events.md).

The indexer appends each match to the topic's Redis stream (`TopicKeys.events`, trimmed to about
TOPIC_EVENTS_BACKLOG entries); the stream entry id is the event id. A connection first sends the backlog after the
client's Last-Event-ID (the header, or `last_event_id` for clients that cannot set headers; an `event: gap` first
when some of it was trimmed), then blocks on XREAD for new events, with a `: keep-alive` comment every KEEP_ALIVE_S,
and ends after TOPIC_STREAM_MAX_S: the client reconnects with the last id it saw and misses nothing.

Each connection is one greenlet of gunicorn's gevent worker, blocked in XREAD on a Redis client of its own whose
socket timeout exceeds the block. A client (API key, or address) holds at most TOPIC_STREAMS_PER_CLIENT of them,
counted by the slots of services/search/pits.py, renewed at every keep-alive and given back when the stream ends
(docs/adr/0022-topic-events-over-sse.md).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

import redis
from flask import Blueprint, Response, current_app, g, request
from pydantic import Field

from services.search.event_text import (
    Backlog,
    EventId,
    comment,
    format_id,
    gap_event,
    match_event,
    parse_event_id,
    retry,
    start_after,
)
from services.search.openapi import api
from services.search.partner import client_id
from services.search.pits import ClientSlots
from services.search.topics import redis_away
from shared import redis_client
from shared.settings import Settings
from shared.topics.keys import TopicKeys
from shared.topics.store import TopicStore
from shared.web.openapi import ErrorBody, QueryModel, checked_query
from shared.web.service import ApiError

bp = Blueprint("topic_events", __name__)
log = logging.getLogger(__name__)

KEEP_ALIVE_S = 15.0  # a comment this often keeps proxies from closing a quiet connection; also the longest XREAD block
RETRY_MS = 3000  # what EventSource waits before reconnecting
READ_COUNT = 100  # entries read from the stream at once
SLOT_LAPSE_S = 3 * KEEP_ALIVE_S  # a stream's slot outlives a missed renewal or two, not a dead worker
Entry = tuple[str, dict[str, str]]  # a stream entry as the reader (decode_responses) gives it: id, fields


class EventsQuery(QueryModel):
    """`GET /v1/topics/<id>/events`."""

    last_event_id: str | None = Field(
        None, max_length=64, description="Resume after this event id, for clients that cannot send the Last-Event-ID header."
    )


# --- one connection ---------------------------------------------------------------------------------------------


@dataclass
class Follow:
    """What one connection needs once the request is over: read before streaming, so no request context is held."""

    reader: redis.Redis  # decode_responses, socket timeout past the longest block
    key: str
    start: EventId
    prelude: list[str]  # retry, and the gap event if any
    deadline: float  # time.monotonic() at which the stream ends
    still_wanted: Callable[[], bool]  # the topic still exists (and the slot is renewed)
    done: Callable[[], None]  # gives the slot back


def events(follow: Follow) -> Iterator[str]:
    """The response body: prelude, backlog after `start`, then new events until the deadline. Redis going away ends
    the stream (the client reconnects and is told 503 until it is back)."""
    try:
        yield from follow.prelude
        last = format_id(follow.start)
        for entry_id, fields in _backlog_after(follow.reader, follow.key, last):
            last = entry_id
            yield from match_event(entry_id, fields)
        yield from _tail(follow, last)
    except redis.RedisError as exc:
        log.warning("topic event stream ended: Redis %s", type(exc).__name__)
    finally:
        follow.done()


def _backlog_after(reader: redis.Redis, key: str, after: str) -> Iterator[Entry]:
    while True:
        entries: list[Entry] = cast(Any, reader.xrange(key, min=f"({after}", max="+", count=READ_COUNT))
        yield from entries
        if len(entries) < READ_COUNT:
            return
        after = entries[-1][0]


def _tail(follow: Follow, last: str) -> Iterator[str]:
    beat_at = time.monotonic() + KEEP_ALIVE_S
    while (now := time.monotonic()) < follow.deadline:
        if now >= beat_at:
            if not follow.still_wanted():
                return
            yield comment("keep-alive")
            beat_at = now + KEEP_ALIVE_S
        block_ms = max(1, int(1000 * (min(beat_at, follow.deadline) - now)))  # BLOCK 0 would wait for ever
        found: list[tuple[str, list[Entry]]] = cast(
            Any, follow.reader.xread({follow.key: last}, count=READ_COUNT, block=block_ms)
        )
        for _key, entries in found or []:
            for entry_id, fields in entries:
                last = entry_id
                yield from match_event(entry_id, fields)


# --- the view ---------------------------------------------------------------------------------------------------


def _settings() -> Settings:
    settings: Settings = current_app.config["SETTINGS"]
    return settings


def _reader(settings: Settings) -> redis.Redis:
    """One client per process for the streams: its socket timeout outlasts the longest XREAD block."""
    reader: redis.Redis | None = current_app.extensions.get("topic_events_redis")
    if reader is None:
        reader = redis_client.connect(settings, blocking_s=KEEP_ALIVE_S, decode_responses=True)
        current_app.extensions["topic_events_redis"] = reader
    return reader


def _slots(settings: Settings) -> ClientSlots:
    slots: ClientSlots | None = current_app.extensions.get("topic_event_slots")
    if slots is None:
        prefix = settings.redis_key("topics", "streams")
        slots = ClientSlots(current_app.extensions["redis"], prefix, settings.topic_streams_per_client, SLOT_LAPSE_S)
        current_app.extensions["topic_event_slots"] = slots
    return slots


def _resume() -> EventId | None:
    given = request.headers.get("Last-Event-ID") or checked_query(EventsQuery).last_event_id
    try:
        return parse_event_id(given)
    except ValueError as exc:
        raise ApiError(400, "invalid_parameter", str(exc), "Last-Event-ID") from exc


def _stream_info(reader: redis.Redis, key: str) -> dict[str, Any] | None:
    try:
        info: dict[str, Any] = reader.xinfo_stream(key)
    except redis.ResponseError:  # no such key: the topic has had no match yet
        return None
    return info


def _follow(topic_id: str, resume: EventId | None, slot: str, slots: ClientSlots, settings: Settings) -> Follow:
    reader, owner = _reader(settings), g.get("api_key_name")
    key = TopicKeys(settings).events(topic_id)
    backlog = Backlog.of(_stream_info(reader, key))
    start, gap = start_after(resume, backlog)
    prelude = [retry(RETRY_MS)] + ([gap_event(topic_id, resume, backlog)] if gap and resume else [])
    store = TopicStore(current_app.extensions["redis"], settings)

    def still_wanted() -> bool:
        slots.renew(slot)
        return store.get(topic_id, owner) is not None

    deadline = time.monotonic() + settings.topic_stream_max_s
    return Follow(reader, key, start, prelude, deadline, still_wanted, lambda: _give_back(slots, slot))


def _give_back(slots: ClientSlots, slot: str) -> None:
    with contextlib.suppress(redis.RedisError):  # the slot lapses on its own
        slots.release(slot)


bp.register_error_handler(redis.RedisError, redis_away)


@bp.get("/v1/topics/<id>/events")
@api.operation(
    "follow_topic_events",
    "topics",
    {
        200: (None, "text/event-stream of match events (docs/topic-events.md)"),
        400: (ErrorBody, "Last-Event-ID is not an event id"),
        404: (ErrorBody, "no such topic of this API key"),
        429: (ErrorBody, "rate limit, or TOPIC_STREAMS_PER_CLIENT streams already open (Retry-After)"),
        503: (ErrorBody, "Redis unreachable for a moment (Retry-After)"),
    },
    query=EventsQuery,
)
def follow_topic_events(id: str) -> Any:  # the contract names the path parameter `id`
    """A topic's new matches as Server-Sent Events; resume with Last-Event-ID"""
    settings = _settings()
    resume = _resume()
    if TopicStore(current_app.extensions["redis"], settings).get(id, g.get("api_key_name")) is None:
        raise ApiError(404, "not_found", f"no topic {id}", "id")
    slots = _slots(settings)
    slot = slots.take(client_id())
    if slot is None:
        message = f"at most {settings.topic_streams_per_client} event streams at once per API key (without keys: per address)"
        raise ApiError(429, "too_many_streams", message, headers={"Retry-After": str(int(KEEP_ALIVE_S))})
    try:
        follow = _follow(id, resume, slot, slots, settings)
    except BaseException:
        _give_back(slots, slot)
        raise
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return Response(events(follow), mimetype="text/event-stream", headers=headers)
