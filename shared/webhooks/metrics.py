"""What the webhook deliverer tells Prometheus (on WEBHOOKS_METRICS_PORT, beside /healthz and /readyz).

Counters and the latency histogram are this process's; the backlog per endpoint and the dead list are read from
Redis at scrape time (at most every CACHE_S), so they are right whichever deliverer is running.
"""

from __future__ import annotations

from collections.abc import Iterator

import redis
from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from shared.observability.cached_reading import CachedReading
from shared.settings import Settings
from shared.topics.keys import WebhookKeys
from shared.webhooks.endpoints import backlog

OUTCOMES = ("delivered", "failed", "dead", "dropped", "paused")
LATENCY_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0, 6 * 3600.0, 26 * 3600.0)
CACHE_S = 5.0

DELIVERIES = Counter(
    "newsroom_webhook_deliveries_total",
    "Webhook deliveries handled, by outcome: delivered (a 2xx), failed (tried again later), dead (given up), "
    "dropped (its topic or its webhook is gone), paused (its endpoint is paused; pushed to the pause's end).",
    ["outcome"],
)
for _outcome in OUTCOMES:
    DELIVERIES.labels(_outcome)
LATENCY = Histogram(
    "newsroom_webhook_delivery_latency_seconds",
    "Seconds from the article's 202 at the ingest service to the receiver's 2xx for its match.",
    buckets=LATENCY_BUCKETS,
)


class WebhookCollector(Collector):
    """`newsroom_webhook_backlog{endpoint}` and `newsroom_webhook_dead_letters`, read from Redis."""

    def __init__(self, client: redis.Redis, settings: Settings) -> None:
        self.redis, self.settings = client, settings
        self._reading = CachedReading(self._from_redis, CACHE_S)

    def _from_redis(self) -> tuple[dict[str, int], int]:
        return backlog(self.redis, self.settings), int(self.redis.hlen(WebhookKeys(self.settings).dead))

    def read(self) -> tuple[dict[str, int], int] | None:
        return self._reading.get()

    def collect(self) -> Iterator[GaugeMetricFamily]:
        reading = self.read()
        if reading is None:
            return
        pending, dead = reading
        family = GaugeMetricFamily(
            "newsroom_webhook_backlog",
            "Webhook deliveries not yet delivered, by endpoint (a digest of the webhook URL, shared/topics/keys.py).",
            labels=["endpoint"],
        )
        for endpoint, count in sorted(pending.items()):
            family.add_metric([endpoint], count)
        yield family
        dead_family = GaugeMetricFamily("newsroom_webhook_dead_letters", "Webhook deliveries in the dead list.")
        dead_family.add_metric([], dead)
        yield dead_family
