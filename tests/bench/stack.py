"""The system under test: real gunicorn ingest and search, a real Celery worker and indexer, in a `bench-*` namespace.

Built on `tests.stack.Stack` (the integration tests' stack) with knobs for the tuning runs: gunicorn
workers and worker class, Celery concurrency and prefetch. Never touches the `news` namespace, and never
stops the shared Redis or Elasticsearch.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from shared.es.client import make_client
from shared.es.index import ensure_index
from shared.redis_client import connect
from shared.settings import Settings
from tests.bench.cpu import find_process, pid_file
from tests.stack import BIN, OUTPUT, ROOT, Stack, free_port, wait_until


@dataclass(frozen=True)
class StackKnobs:
    gunicorn_workers: int = 2
    gunicorn_class: str = "sync"  # "gthread" adds --threads
    gunicorn_threads: int = 4
    worker_concurrency: int = 2
    prefetch: int = 4  # Celery's default multiplier
    search_class: str = "gthread"  # as `make up` and docker-compose run it
    search_threads: int = 8


def _gunicorn(stack: Stack, name: str, module: str, knobs: StackKnobs) -> str:
    port = free_port()
    worker_class, threads = (
        (knobs.search_class, knobs.search_threads) if name == "search" else (knobs.gunicorn_class, knobs.gunicorn_threads)
    )
    argv = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(knobs.gunicorn_workers)]
    argv += ["--worker-class", worker_class, "--access-logfile", "-", "--log-level", "warning"]
    if worker_class == "gthread":
        argv += ["--threads", str(threads)]
    stack.start(name, [*argv, module])
    url = f"http://127.0.0.1:{port}"
    wait_until(lambda: requests.get(f"{url}/readyz", timeout=2).ok, 60, what=f"{name} /readyz")
    return url


def _worker(stack: Stack, knobs: StackKnobs) -> None:
    argv = [str(BIN / "celery"), "-A", "services.worker.app", "worker", "--concurrency", str(knobs.worker_concurrency)]
    argv += ["--prefetch-multiplier", str(knobs.prefetch), "--loglevel", "WARNING", "-n", f"bench-{stack.namespace}@%h"]
    stack.start("worker", [*argv, "--without-mingle", "--without-gossip"])
    stack.start_indexer()


def warm_up(stack: Stack) -> None:
    """One article all the way through, so no measurement starts while the worker is still importing."""
    answer = stack.post("/v1/articles", json={"title": f"Warm-up {stack.namespace}", "body": "The stack is ready."})
    answer.raise_for_status()
    stack.wait_status(answer.json()["id"], timeout=180)


def restart_search(stack: Stack, knobs: StackKnobs) -> None:
    """The search service again with other gunicorn knobs (same namespace, same index): a before/after."""
    stack.stop("search")
    stack.search_url = _gunicorn(stack, "search", "services.search.wsgi:app", knobs)


@contextmanager
def bench_stack(knobs: StackKnobs | None = None, extra_env: dict[str, str] | None = None) -> Iterator[Stack]:
    knobs = knobs or StackKnobs()
    namespace = f"bench-{uuid.uuid4().hex[:8]}"
    logs = OUTPUT / namespace
    logs.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "NAMESPACE": namespace, "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "WARNING"}
    # Every measuring client is 127.0.0.1, one client to the per-address limits: lifted, so the bench measures the
    # search itself (a point in time for every relevance first page, as one client of many would get).
    env.update({"SEARCH_ADDRESS_RATE_LIMIT": "", "SEARCH_PIT_MAX_PER_CLIENT": "100000", **(extra_env or {})})
    settings = Settings(namespace=namespace)
    es = make_client(settings)
    client = connect(settings)
    client.ping()
    es.cluster.health(wait_for_status="yellow", timeout="30s")
    ensure_index(es, settings)
    stack = Stack(namespace, env, settings, es, client, logs)
    try:
        stack.ingest_url = _gunicorn(stack, "ingest", "services.ingest.wsgi:app", knobs)
        stack.search_url = _gunicorn(stack, "search", "services.search.wsgi:app", knobs)
        _worker(stack, knobs)
        warm_up(stack)
        yield stack
    finally:
        stack.stop_all_and_clean()


ES_MAIN_CLASS = "org.elasticsearch.bootstrap.Elasticsearch"


def measured_pids(stack: Stack) -> dict[str, int]:
    """The process trees whose CPU each measurement reports."""
    pids = {name: proc.pid for name, proc in stack.processes.items()}
    redis_port = f":{urlsplit(stack.settings.redis_url).port or 6379}"
    found = {
        "elasticsearch": pid_file(ROOT / ".run" / "elasticsearch.pid") or find_process(ES_MAIN_CLASS),
        "redis": pid_file(ROOT / ".run" / "redis.pid") or find_process("redis-server", redis_port),
    }
    pids.update({f"{name} (shared)": pid for name, pid in found.items() if pid})
    return pids
