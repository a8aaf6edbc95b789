"""What a Celery worker tells operators: JSON logs bound to each article, task metrics, a heartbeat, the
messages it holds (shared/consumer/progress.py), its own small HTTP port (`WORKER_METRICS_PORT`) with
/metrics, /healthz and /readyz (shared/consumer/health.py), and a watchdog (shared/consumer/watchdog.py).

Importing this module connects the Celery signals; `services.worker.tasks` imports it. Tasks run in
prefork children, so their metrics go through prometheus_client's multiprocess files
(`PROMETHEUS_MULTIPROC_DIR`) and the parent process serves the merged view: no pushgateway needed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import threading
import time
from datetime import UTC, datetime
from typing import Any

import redis
from celery import signals
from celery.worker import state as worker_state

from shared.consumer import watchdog
from shared.consumer.health import Health, serve
from shared.consumer.progress import HELD, Progress
from shared.es.client import is_reachable, make_client
from shared.observability.logs import article_context, bind_task, configure_logging, unbind_task
from shared.observability.metrics import (
    ACCEPTED_TO_SEARCHABLE,
    INDEXED,
    PUBLISHED_TO_SEARCHABLE,
    TASK_DURATION,
    TASK_RETRIES,
    timed,
    timed_bulk,
)
from shared.observability.queue_metrics import DependencyCollector, heartbeat_key
from shared.redis_client import connect
from shared.settings import get_settings

__all__ = ["observe_indexed", "timed", "timed_bulk"]

log = logging.getLogger(__name__)
_started: dict[str, float] = {}
_heartbeat_stop = threading.Event()
_node: dict[str, str] = {}  # this worker's node name, once it is ready


def _parse_time(value: object) -> float | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def observe_indexed(payload: dict[str, Any], published_at: str | None) -> None:
    """One article is in the index: count it and record how fresh it is (since its 202, since its publication)."""
    now = time.time()
    INDEXED.inc()
    accepted = _parse_time(payload.get("accepted_at"))
    if accepted is not None and not payload.get("replayed"):
        ACCEPTED_TO_SEARCHABLE.observe(max(0.0, now - accepted))
    published = _parse_time(published_at)
    if published is not None and published <= now:
        PUBLISHED_TO_SEARCHABLE.observe(now - published)


# --- Celery signals: logs bound to the article, task runtime, retries ----------------------------------
@signals.setup_logging.connect
def _setup_logging(logfile: str | None = None, **_: Any) -> None:
    # JSON lines, into --logfile when given; connecting this signal stops Celery configuring its own logging.
    configure_logging(get_settings(), logfile or None)


@signals.task_received.connect
def _task_received(request: Any = None, **_: Any) -> None:
    """In the main process, when a message is taken from the queue: one line per article, naming its request."""
    args = getattr(request, "args", None) or []
    if getattr(request, "id", None):
        HELD.hold(request.id, getattr(request, "eta", None))  # shared/consumer/progress.py
    payloads = args[0] if args and isinstance(args[0], list) else []
    for payload in payloads:
        if isinstance(payload, dict) and payload.get("id"):
            with article_context(payload):
                log.info("article %s taken from the queue", payload["id"])


@signals.task_prerun.connect
def _task_prerun(task_id: str | None = None, args: Any = None, **_: Any) -> None:
    bind_task(args[0] if args else None, task_id)
    if task_id:
        _started[task_id] = time.perf_counter()


@signals.task_postrun.connect
def _task_postrun(task_id: str | None = None, state: str | None = None, **_: Any) -> None:
    start = _started.pop(task_id or "", None)
    if start is not None:
        TASK_DURATION.labels(state or "UNKNOWN").observe(time.perf_counter() - start)
    unbind_task()


@signals.task_retry.connect
def _task_retry(**_: Any) -> None:
    TASK_RETRIES.inc()


# --- the worker's HTTP port, watchdog and heartbeat (main process) ---------------------------------------
def serve_metrics_on(port: int, role: str = "indexer") -> None:
    """Another port than WORKER_METRICS_PORT for this process (the indexer runs beside a worker on one host)."""
    _node["port"], _node["role"] = str(port), role


def _redis() -> redis.Redis:
    return connect()


def _redis_ok(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


def read_progress() -> Progress:
    """The indexer releases its messages itself; the worker's finish in pool children, so ask Celery."""
    if _node.get("role", "worker") == "worker":
        HELD.reconcile({request.id for request in list(worker_state.reserved_requests)})
    return HELD.progress()


def start_health(hostname: str) -> Health:
    settings = get_settings()
    client, es = _redis(), make_client()
    checks = DependencyCollector({"redis": lambda: _redis_ok(client), "elasticsearch": lambda: is_reachable(es)})
    health = Health(settings, _node.get("role", "worker"), hostname, checks, client, read_progress)
    port = int(_node.get("port") or settings.worker_metrics_port)
    if port:
        serve(health, port, settings.worker_metrics_host)
    return health


def _beat(hostname: str) -> None:
    settings = get_settings()
    client = _redis()
    key = heartbeat_key(settings, hostname)
    while not _heartbeat_stop.is_set():
        try:
            record = {"hostname": hostname, "pid": os.getpid(), "at": time.time()}
            client.set(key, json.dumps(record), ex=max(1, int(settings.worker_heartbeat_s * 3)))
        except redis.RedisError as exc:
            log.warning("heartbeat not written: %s", exc)
        _heartbeat_stop.wait(settings.worker_heartbeat_s)
    with contextlib.suppress(redis.RedisError):
        client.delete(key)


def node_name(sender: Any) -> str:
    return str(getattr(sender, "hostname", None) or f"celery@{socket.gethostname()}")


@signals.worker_ready.connect
def _worker_ready(sender: Any = None, **_: Any) -> None:
    """In the main process, once the worker consumes: its HTTP port, and its heartbeat."""
    _node["name"] = node_name(sender)
    health = start_health(_node["name"])
    _heartbeat_stop.clear()
    watchdog.start(get_settings(), health.judge, _heartbeat_stop)
    threading.Thread(target=_beat, args=(_node["name"],), name="heartbeat", daemon=True).start()


@signals.worker_shutdown.connect
def _worker_shutdown(**_: Any) -> None:
    _heartbeat_stop.set()
    if "name" in _node:  # gone at once, not after three missed beats
        with contextlib.suppress(redis.RedisError):
            _redis().delete(heartbeat_key(get_settings(), _node["name"]))
