"""A worker's or indexer's own HTTP port: /metrics, /healthz (liveness) and /readyz (readiness).

Readiness: Redis and Elasticsearch answer, the heartbeat is fresh, and the process is making progress (no
message it holds has been due for longer than STALL_AFTER_S). Liveness fails only for a *wedge*: stalled, no
message finished for STALL_AFTER_S either, while both engines answer, the one state a restart can cure (an
engine outage cannot be cured by restarting its clients, so that keeps the process live, merely not ready).
Compose's healthcheck and the watchdog (shared/consumer/watchdog.py) read the same judgement.

The port is prometheus_client's machinery: its /metrics WSGI app and its threaded WSGI server, with /healthz and
/readyz dispatched beside it.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

import redis
from prometheus_client import make_wsgi_app
from prometheus_client.exposition import ThreadingWSGIServer

from shared.consumer.progress import Progress, ProgressCollector
from shared.observability.metrics import service_registry
from shared.observability.queue_metrics import DependencyCollector, heartbeat_key
from shared.settings import Settings

log = logging.getLogger(__name__)
NOT_FOUND = b'{"error": {"code": "not_found", "message": "no such path", "field": null}}'
GET_ONLY = b'{"error": {"code": "method_not_allowed", "message": "GET only", "field": null}}'
PROBES = {"/healthz": "live", "/readyz": "ready"}  # path: the verdict's key that decides 200 or 503


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


def health_app(health: Health) -> WSGIApplication:
    """The port's WSGI app: prometheus_client's own /metrics app over this service's registry (the multiprocess
    merge included) and the live checks, /healthz and /readyz from one reading of `judge()`, 404 for the rest."""
    metrics = make_wsgi_app(service_registry([health.checks, ProgressCollector(health.role, health.progress)]))

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/metrics":
            return metrics(environ, start_response)
        if path not in PROBES:
            return _json(start_response, "404 Not Found", NOT_FOUND)
        if environ.get("REQUEST_METHOD") != "GET":
            return _json(start_response, "405 Method Not Allowed", GET_ONLY, [("Allow", "GET")])
        verdict = health.judge()
        status = "200 OK" if verdict[PROBES[path]] else "503 Service Unavailable"
        return _json(start_response, status, json.dumps(verdict).encode())

    return app


def _json(start_response: StartResponse, status: str, body: bytes, extra: list[tuple[str, str]] | None = None) -> list[bytes]:
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body))), *(extra or [])])
    return [body]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return  # scrapes and probes every few seconds would drown the worker log


def serve(health: Health, port: int, host: str) -> WSGIServer | None:
    """The port in a daemon thread, served as prometheus_client's start_wsgi_server serves its app (its threaded
    WSGI server, the address family of `host`); None when another worker on this host already has the port."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0][0]
        server_class = type("HealthServer", (ThreadingWSGIServer,), {"address_family": family})
        server: WSGIServer = make_server(host, port, health_app(health), server_class, handler_class=_QuietHandler)
    except OSError as exc:
        log.warning("%s port %d is taken (%s); this process serves no /metrics", health.role, port, exc)
        return None
    threading.Thread(target=server.serve_forever, name="metrics-http", daemon=True).start()
    log.info("%s metrics, /healthz and /readyz on %s:%d", health.role, host, server.server_port)
    return server
