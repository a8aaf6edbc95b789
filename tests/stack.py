"""A live stack for the integration tests: real gunicorn services and a real Celery worker,
under a namespace of their own, on the real Redis and Elasticsearch that `make test` brings up."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis
import requests
from elasticsearch import Elasticsearch

from shared.es import suggestions
from shared.es.client import make_client
from shared.es.index import drop_namespace, ensure_index
from shared.redis_client import connect
from shared.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
OUTPUT = ROOT / "test-output"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def gunicorn_argv(port: int, module: str, *options: str) -> list[str]:
    """gunicorn serving `module` on 127.0.0.1:`port` with the configuration of `make up` and compose (shared/web/serving.py);
    `options` override it (`--workers`, `1`)."""
    return [str(BIN / "gunicorn"), "-c", "python:shared.web.serving", "--bind", f"127.0.0.1:{port}", *options, module]


def wait_until(check: Callable[[], Any], timeout: float = 30.0, interval: float = 0.2, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
        except (requests.RequestException, OSError, redis.RedisError):  # a service or an engine not answering yet
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


@dataclass
class Stack:
    namespace: str
    env: dict[str, str]
    settings: Settings
    es: Elasticsearch
    redis: redis.Redis
    logs: Path
    ingest_url: str = ""
    search_url: str = ""
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    metrics_ports: dict[str, int] = field(default_factory=dict)  # a worker's own /metrics and /readyz port, by name

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - the process keeps it open
        env = {**self.env, **(env or {}), **self.metrics_env(name)}
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.processes[name] = proc
        return proc

    def metrics_env(self, name: str) -> dict[str, str]:
        """Each process its own, fresh prometheus multiprocess folder and worker metrics port, as `make up` gives them."""
        folder = self.logs / "metrics" / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.metrics_ports[name] = free_port()
        port = str(self.metrics_ports[name])
        return {"PROMETHEUS_MULTIPROC_DIR": str(folder), "WORKER_METRICS_PORT": port, "INDEXER_METRICS_PORT": port}

    def start_gunicorn(self, name: str, port: int, module: str, env: dict[str, str] | None = None) -> str:
        """A service as `make up` and compose serve it (shared/web/serving.py); `env`: settings of this one service."""
        self.start(name, gunicorn_argv(port, module), env)
        url = f"http://127.0.0.1:{port}"
        wait_until(lambda: requests.get(f"{url}/readyz", timeout=2).ok, 60, what=f"{name} /readyz")
        return url

    def start_worker(self, name: str = "worker", concurrency: int = 2) -> subprocess.Popen[bytes]:
        argv = [str(BIN / "celery"), "-A", "services.worker.app", "worker", "--concurrency", str(concurrency)]
        argv += ["--loglevel", "INFO", "-n", f"{name}-{self.namespace}@%h", "--without-mingle", "--without-gossip"]
        return self.start(name, argv)

    def start_indexer(self, name: str = "indexer", env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        argv = [str(BIN / "celery"), "-A", "services.indexer.app", "worker", "--loglevel", "INFO"]
        argv += ["-n", f"{name}-{self.namespace}@%h", "--without-mingle", "--without-gossip"]
        return self.start(name, argv, env)

    def start_beat(self, name: str = "beat") -> subprocess.Popen[bytes]:
        """Celery beat (feed ticks, in-flight sweeps), its schedule file in this stack's log folder."""
        argv = [str(BIN / "celery"), "-A", "services.worker.app", "beat", "--loglevel", "INFO"]
        return self.start(name, [*argv, "--schedule", str(self.logs / f"{name}-schedule")])

    def stop(self, name: str, timeout: float = 30) -> None:
        proc = self.processes.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()

    def stop_all_and_clean(self) -> None:
        """Stop every process of this stack, then drop its indices and Redis keys."""
        for name in list(self.processes):
            self.stop(name)
        drop_namespace(self.es, self.settings.index_alias)
        for key in self.redis.scan_iter(f"{self.namespace}:*", count=1000):
            self.redis.delete(key)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return requests.post(f"{self.ingest_url}{path}", timeout=30, **kwargs)

    def status(self, article_id: str) -> dict[str, Any]:
        answer: dict[str, Any] = requests.get(f"{self.ingest_url}/v1/articles/{article_id}", timeout=10).json()
        return answer

    def wait_status(self, article_id: str, statuses: tuple[str, ...] = ("indexed",), timeout: float = 60) -> dict[str, Any]:
        done: dict[str, Any] = wait_until(
            lambda: (s := self.status(article_id)).get("status") in (*statuses, "failed") and s, timeout, what=f"{article_id}"
        )
        return done

    def search(self, query: str = "", **params: Any) -> requests.Response:
        url = f"{self.search_url}/v1/search" + (f"?{query}" if query else "")
        return requests.get(url, params=params, timeout=30)

    def refresh(self) -> None:
        """The articles searchable and suggested now, not at the next scheduled refresh."""
        alias = self.settings.index_alias
        self.es.indices.refresh(index=f"{alias},{suggestions.index_name(alias)}")


@contextmanager
def live_stack(overrides: dict[str, str] | None = None) -> Iterator[Stack]:
    """The four services under a fresh namespace; `overrides` are environment settings (a Redis of the test's own)."""
    namespace = f"test-{uuid.uuid4().hex[:8]}"
    logs = OUTPUT / namespace
    logs.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "NAMESPACE": namespace, "PYTHONUNBUFFERED": "1", "LOG_LEVEL": "INFO"}
    env["FEED_FETCH_ADDRESSES"] = "loopback"  # the tests' feed servers listen on 127.0.0.1
    env["SNAPSHOT_INTERVAL_S"] = "0"  # a test's beat takes no scheduled snapshots (test_snapshot_schedule does its own)
    # Every test client is 127.0.0.1, one client to the per-address limits: the session's search service lifts them
    # (tests/hostile/ starts search services of its own with them set).
    env.update(SEARCH_ADDRESS_RATE_LIMIT="", SEARCH_PIT_MAX_PER_CLIENT="1000")
    env.update(overrides or {})
    settings = Settings(namespace=namespace, **{key.lower(): value for key, value in (overrides or {}).items()})
    es = make_client(settings)
    client = connect(settings)
    try:
        client.ping()
        es.cluster.health(wait_for_status="yellow", timeout="30s")
    except Exception as exc:
        raise RuntimeError("Redis and Elasticsearch must run: `make test` starts them (infra/local/engines.sh)") from exc
    ensure_index(es, settings)
    stack = Stack(namespace, env, settings, es, client, logs)
    try:
        stack.ingest_url = stack.start_gunicorn("ingest", free_port(), "services.ingest.wsgi:app")
        stack.search_url = stack.start_gunicorn("search", free_port(), "services.search.wsgi:app")
        stack.start_worker()
        stack.start_indexer()
        yield stack
    finally:
        stack.stop_all_and_clean()
