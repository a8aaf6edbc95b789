"""A worker's or indexer's own HTTP port: /metrics, /healthz (liveness) and /readyz (readiness).

Readiness: Redis and Elasticsearch answer, the heartbeat is fresh, and the process is making progress (no
message it holds has been due for longer than STALL_AFTER_S). Liveness fails only for a *wedge*: stalled, no
message finished for STALL_AFTER_S either, while both engines answer, the one state a restart can cure (an
engine outage cannot be cured by restarting its clients, so that keeps the process live, merely not ready).
Compose's healthcheck and the
watchdog (shared/consumer/watchdog.py) read the same judgement.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import redis

from shared.consumer.progress import Progress, ProgressCollector
from shared.observability.metrics import CONTENT_TYPE_LATEST, render
from shared.observability.queue_metrics import DependencyCollector, heartbeat_key
from shared.settings import Settings

log = logging.getLogger(__name__)
NOT_FOUND = b'{"error": {"code": "not_found", "message": "no such path", "field": null}}'


@dataclass
class Health:
    """What the port reports: dependency checks, this worker's heartbeat key, its progress."""

    settings: Settings
    role: str
    hostname: str
    checks: DependencyCollector
    redis: redis.Redis
    progress: Callable[[], Progress]

    def judge(self) -> dict[str, Any]:
        """One reading of everything: {ready, live, checks: {name: state}, progress: {...}}."""
        reachable = {name: check() for name, check in self.checks.checks.items()}
        states = {name: "ok" if ok else "unreachable" for name, ok in reachable.items()}
        states["heartbeat"] = "ok" if self._heartbeat() else "stale"
        now = self.progress()
        stalled = now.stalled(self.settings.stall_after_s)
        states["progress"] = f"stalled: oldest held message due {now.oldest_age_s:.0f}s ago" if stalled else "ok"
        # A wedge finishes nothing at all: one message stuck while others are finished is a stall to report (not
        # ready, the alert), not a process to restart.
        idle_for = now.since_done_s if now.since_done_s is not None else float("inf")
        wedged = stalled and all(reachable.values()) and idle_for > self.settings.stall_after_s
        return {
            "ready": all(state == "ok" for state in states.values()),
            "live": not wedged,
            "checks": states,
            "progress": {
                "held": now.held,
                "oldest_held_age_s": round(now.oldest_age_s, 1),
                "since_last_done_s": None if now.since_done_s is None else round(now.since_done_s, 1),
            },
        }

    def _heartbeat(self) -> bool:
        try:
            return bool(self.redis.exists(heartbeat_key(self.settings, self.hostname)))
        except redis.RedisError:
            return False


class _Handler(BaseHTTPRequestHandler):
    health: Health

    def do_GET(self) -> None:
        if self.path == "/metrics":
            collectors = [self.health.checks, ProgressCollector(self.health.role, self.health.progress)]
            self._send(200, render(collectors), CONTENT_TYPE_LATEST)
        elif self.path in ("/healthz", "/readyz"):
            verdict = self.health.judge()
            ok = verdict["live" if self.path == "/healthz" else "ready"]
            self._send(200 if ok else 503, json.dumps(verdict).encode(), "application/json")
        else:
            self._send(404, NOT_FOUND, "application/json")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return  # scrapes and probes every few seconds would drown the worker log


def serve(health: Health, port: int, host: str) -> bool:
    """The port in a daemon thread; False when another worker on this host already has it."""
    _Handler.health = health
    try:
        server = ThreadingHTTPServer((host, port), _Handler)
    except OSError as exc:
        log.warning("%s port %d is taken (%s); this process serves no /metrics", health.role, port, exc)
        return False
    threading.Thread(target=server.serve_forever, name="metrics-http", daemon=True).start()
    log.info("%s metrics, /healthz and /readyz on %s:%d", health.role, host, port)
    return True
