"""Metrics read live from Redis and Elasticsearch at scrape time: queue depth, dead letters, workers, dependencies.

The ingest service exports the pipeline ones (it stays up when every worker is down, which is exactly
when a growing queue matters); every process exports whether it reaches its dependencies. Flower does
not export queue lengths, so they are read here, the way kombu's Redis transport stores them: a list
per queue (and per priority step) under the broker's `global_keyprefix` "<namespace>:", pushed on the
left and taken from the right, so the oldest message is the last element.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator
from datetime import datetime

import redis
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from shared.settings import Settings

PRIORITY_SEP = "\x06\x16"  # kombu's Redis transport: queue, separator, priority step
PRIORITY_STEPS = (3, 6, 9)  # step 0 is the queue's own key


def heartbeat_key(settings: Settings, hostname: str = "*") -> str:
    """The key a live worker refreshes every WORKER_HEARTBEAT_S seconds (expires after three missed beats)."""
    return settings.redis_key("workers", hostname)


def queue_keys(settings: Settings, queue: str) -> list[str]:
    base = f"{settings.namespace}:{queue}"
    return [base, *(f"{base}{PRIORITY_SEP}{step}" for step in PRIORITY_STEPS)]


def waiting_messages(client: redis.Redis, settings: Settings) -> int:
    """Messages queued and not yet taken, to be normalized or indexed (a message carries one or more articles)."""
    pipe = client.pipeline(transaction=False)
    for queue in (settings.queue_name, settings.index_queue_name):
        pipe.llen(f"{settings.namespace}:{queue}")
    return sum(int(n) for n in pipe.execute())


def unfinished_articles(client: redis.Redis, settings: Settings) -> int:
    """Accepted articles not yet indexed or dead-lettered: the in-flight ledger's size (backpressure). Queue
    lengths count messages, and a message carries up to ARTICLES_PER_TASK articles."""
    return int(client.zcard(settings.redis_key("inflight", "sent")))  # shared/delivery/inflight.py


def message_accepted_at(raw: bytes | str | None) -> float | None:
    """The ingest accept time (epoch seconds) carried in a queued Celery message, when it has one."""
    if not raw:
        return None
    try:
        message = json.loads(raw)
        first = json.loads(base64.b64decode(message["body"]))[0][0]
        first = first[0] if isinstance(first, list) else first  # a message of several articles: its first
        accepted = first.get("accepted_at") or first["meta"]["accepted_at"]  # an accepted article, or one handed over
        return datetime.fromisoformat(accepted.replace("Z", "+00:00")).timestamp()
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return None


class PipelineCollector(Collector):
    """Queue lengths, oldest-message age, unacknowledged messages, in-flight articles, dead letters, live workers, from Redis."""

    def __init__(self, client: redis.Redis, settings: Settings) -> None:
        self.redis, self.settings = client, settings

    def collect(self) -> Iterator[GaugeMetricFamily]:
        queues = (self.settings.queue_name, self.settings.index_queue_name)
        ns = self.settings.namespace
        try:
            pipe = self.redis.pipeline(transaction=False)
            for queue in queues:
                for key in queue_keys(self.settings, queue):
                    pipe.llen(key)
                pipe.lindex(queue_keys(self.settings, queue)[0], -1)
            pipe.hlen(f"{ns}:unacked")
            pipe.zcard(self.settings.redis_key("dead", "order"))
            pipe.zcard(self.settings.redis_key("inflight", "sent"))  # shared/delivery/inflight.py
            *per_queue, unacked, dead, inflight = pipe.execute()
            workers = sum(1 for _ in self.redis.scan_iter(heartbeat_key(self.settings), count=1000))
        except redis.RedisError:
            return  # Redis down: newsroom_dependency_up says so; no stale numbers are made up
        step = len(PRIORITY_STEPS) + 2
        messages = GaugeMetricFamily("newsroom_queue_messages", "Messages waiting in a Celery queue.", labels=["queue"])
        ages = GaugeMetricFamily(
            "newsroom_queue_oldest_message_age_seconds",
            "Age of the oldest waiting message of a queue (from its accept time; 0 when the queue is empty).",
            labels=["queue"],
        )
        for n, queue in enumerate(queues):
            *lengths, oldest = per_queue[n * step : (n + 1) * step]
            accepted = message_accepted_at(oldest)
            messages.add_metric([queue], sum(lengths))
            ages.add_metric([queue], max(0.0, time.time() - accepted) if accepted is not None else 0.0)
        yield messages
        yield ages
        yield gauge(
            "newsroom_queue_unacked_messages",
            "Messages taken by a worker and not yet acknowledged (running, or waiting for their retry countdown).",
            {},
            unacked,
        )
        yield gauge("newsroom_dead_letters", "Articles in the dead-letter list.", {}, dead)
        yield gauge("newsroom_inflight_articles", "Accepted articles not yet final (the in-flight ledger).", {}, inflight)
        yield gauge("newsroom_workers_online", "Celery workers whose heartbeat key in Redis is fresh.", {}, workers)


class DependencyCollector(Collector):
    """`newsroom_dependency_up{dependency}`: 1 when this process reaches Redis / Elasticsearch now, else 0."""

    def __init__(self, checks: dict[str, Callable[[], bool]]) -> None:
        self.checks = checks

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "newsroom_dependency_up", "1 when this process reaches the dependency, 0 when not.", labels=["dependency"]
        )
        for name, check in self.checks.items():
            family.add_metric([name], 1.0 if check() else 0.0)
        yield family


def gauge(name: str, doc: str, labels: dict[str, str], value: float) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, doc, labels=list(labels))
    family.add_metric(list(labels.values()), float(value))
    return family
