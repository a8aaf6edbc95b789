"""The webhook deliverer process: the loop (shared/webhooks/deliverer.py), its port and its watchdog.

Its port (`WEBHOOKS_METRICS_PORT`, 9810) is the workers' (shared/consumer/health.py): /metrics, /healthz, /readyz.
Ready: Redis answers, the loop turned within the last HEARTBEAT_S, no delivery held past STALL_AFTER_S. Live unless
wedged (holding deliveries and finishing none while Redis answers); the watchdog then ends the process and its
supervisor (compose, or `make up`'s supervise.sh) starts a new one. SIGTERM lets the attempts under way finish.
"""

from __future__ import annotations

import argparse
import logging
import signal
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import redis
from prometheus_client import REGISTRY

from shared.consumer import watchdog
from shared.consumer.health import Health, serve
from shared.observability.logs import configure_logging
from shared.observability.queue_metrics import DependencyCollector
from shared.redis_client import connect
from shared.settings import Settings, get_settings
from shared.webhooks.deliverer import Deliverer
from shared.webhooks.metrics import WebhookCollector

log = logging.getLogger(__name__)
HEARTBEAT_S = 30.0  # a loop that has not turned for this long is not ready (a turn takes at most a few seconds)


@dataclass
class DelivererHealth(Health):
    """The workers' judgement, with the loop's last turn as the heartbeat (no Celery heartbeat key in Redis)."""

    ticked: Callable[[], float] = time.time

    def _heartbeat(self) -> bool:
        return time.time() - self.ticked() < HEARTBEAT_S


def _redis_ok(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


def start_port(settings: Settings, deliverer: Deliverer) -> DelivererHealth:
    client = connect(settings)
    checks = DependencyCollector({"redis": lambda: _redis_ok(client)})
    health = DelivererHealth(
        settings, "webhooks", socket.gethostname(), checks, client, deliverer.progress, lambda: deliverer.ticked
    )
    REGISTRY.register(WebhookCollector(client, settings))  # backlog and dead list on /metrics
    if settings.webhooks_metrics_port:
        serve(health, settings.webhooks_metrics_port, settings.worker_metrics_host)
    return health


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.webhooks", description="Deliver topic webhooks.")
    parser.add_argument("--logfile", help="append JSON log lines here (default: stderr)")
    args = parser.parse_args(argv)
    settings = get_settings()
    configure_logging(settings, args.logfile)
    deliverer = Deliverer(settings)

    def stop(signum: int, _: Any) -> None:
        log.info("webhooks: signal %d, finishing the attempts under way", signum)
        deliverer.stop.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    health = start_port(settings, deliverer)
    watchdog.start(settings, health.judge, deliverer.stop)
    loop = threading.Thread(target=deliverer.run, name="webhooks", daemon=True)
    loop.start()
    while loop.is_alive():
        loop.join(0.5)  # the main thread stays free to take signals
    return 0
