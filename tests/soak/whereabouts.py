"""Where an accepted article that is not searchable sits in Redis: a queue, a consumer's unacknowledged hash
(kombu's `<namespace>:unacked`: back after the visibility timeout), the in-flight ledger (the sweeper re-sends
it after SWEEP_AFTER_S), or nowhere. Printed for every missing article, so a stall says which mechanism must heal it."""

from __future__ import annotations

import base64
import json
from collections.abc import Collection, Iterable
from typing import Any

import redis

from shared.delivery.inflight import InFlight
from shared.settings import Settings


def articles_in(message: dict[str, Any]) -> set[str]:
    """Article ids a Celery message carries: accepted payloads (the worker's queue) or handed-over documents (the indexer's)."""
    body: Any = message.get("body", "")
    if message.get("properties", {}).get("body_encoding") == "base64":
        body = base64.b64decode(body)
    args = json.loads(body)[0]
    items = args[0] if args else []
    items = [items] if isinstance(items, dict) else items
    found = set()
    for item in items if isinstance(items, list) else []:
        doc: Any = item.get("doc", item) if isinstance(item, dict) else None
        if isinstance(doc, dict) and doc.get("id"):
            found.add(str(doc["id"]))
    return found


def unacked(client: redis.Redis, settings: Settings) -> Iterable[tuple[str, set[str]]]:
    """(queue, article ids) of every message a consumer holds unacknowledged."""
    for raw in client.hvals(settings.redis_key("unacked")):
        message, _exchange, routing_key = json.loads(raw)
        yield str(routing_key), articles_in(message)


def whereabouts(client: redis.Redis, settings: Settings, ids: Collection[str]) -> dict[str, str]:
    places: dict[str, list[str]] = {i: [] for i in ids}
    for queue in (settings.queue_name, settings.index_queue_name):
        for raw in client.lrange(settings.redis_key(queue), 0, -1):
            for i in articles_in(json.loads(raw)) & places.keys():
                places[i].append(f"queue {queue}")
    for queue, carried in unacked(client, settings):
        for i in carried & places.keys():
            places[i].append(f"unacked ({queue}): back after the visibility timeout")
    ledger = InFlight(client, settings)
    for i, found in places.items():
        if ledger.version(i) is not None:
            found.append("in-flight ledger: the sweeper re-sends it")
    return {i: "; ".join(found) or "nowhere in Redis" for i, found in places.items()}
