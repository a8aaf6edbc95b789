"""Celery's worker consumer, reconnecting to a broker that came back within a second or two.

Celery's consumer retries a lost broker connection with kombu's defaults: 2 s, then 2 s more each time, up to
30 s between attempts. After an outage of a minute the worker and the indexer found Redis again only at their
next attempt, up to half a minute after it was back, and every article waited that long. A connection attempt
to a Redis that is down costs nothing, so the interval is kept short (BROKER_RECONNECT_MAX_S). Used by every
worker through `worker_consumer` (shared/delivery/celery_app.py).
"""

from __future__ import annotations

import functools
from typing import Any

from celery.worker.consumer import Consumer as CeleryConsumer

from shared.settings import get_settings


class Consumer(CeleryConsumer):
    def ensure_connected(self, conn: Any) -> Any:
        most = get_settings().broker_reconnect_max_s
        conn.ensure_connection = functools.partial(
            conn.ensure_connection, interval_start=min(1.0, most), interval_step=min(1.0, most), interval_max=most
        )
        return super().ensure_connected(conn)
