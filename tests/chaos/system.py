"""The system under test for one scenario: the real ingest service (gunicorn) and Celery workers, under a
namespace of their own, on the chaos engines; and the census that says what became of every article."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis
import requests
from elasticsearch import Elasticsearch

from shared.es.index import drop_namespace, ensure_index
from shared.redis_client import connect
from shared.settings import Settings
from tests.chaos.census import Accepted, Census, dead_letters, take_census, writes_in_logs
from tests.chaos.receiver import Receiver
from tests.chaos.topics import TopicCensus, create_topics, read_topics

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
OUTPUT = ROOT / "test-output" / "chaos"

# Short limits so a scenario recovers in seconds, not minutes; each one still respects
# VISIBILITY_TIMEOUT_S > TASK_TIME_LIMIT_S + RETRY_BACKOFF_MAX_S (see README "Guarantees").
CHAOS_ENV = {
    "VISIBILITY_TIMEOUT_S": "30",
    "TASK_SOFT_TIME_LIMIT_S": "6",
    "TASK_TIME_LIMIT_S": "12",
    "RETRY_BACKOFF_BASE_S": "0.5",
    "RETRY_BACKOFF_MAX_S": "8",
    "TASK_MAX_RETRIES": "30",
    "ELASTICSEARCH_TIMEOUT_S": "5",
    "PUBLISH_TIMEOUT_S": "2",
    "WORKER_METRICS_PORT": "0",
    "INDEXER_METRICS_PORT": "0",
    # In-flight sweeper (beat, below): re-sends after SWEEP_AFTER_S > VISIBILITY_TIMEOUT_S, so messages of a killed
    # worker come back by redelivery first; only messages really lost (Redis killed mid-BRPOP) need the sweeper.
    "SWEEP_AFTER_S": "35",
    "SWEEP_INTERVAL_S": "5",
    "SNAPSHOT_INTERVAL_S": "0",  # no scheduled snapshots of a scenario's index into the shared repository
    # Topics and webhooks (tests/chaos/topics.py): every event kept for the census, a receiver on 127.0.0.1, and a
    # deliverer that tries again within seconds (backoff 1-8 s, endpoint pauses of at most 10 s).
    "TOPIC_EVENTS_BACKLOG": "1000000",
    "WEBHOOK_FETCH_ADDRESSES": "loopback",
    "WEBHOOK_TIMEOUT_S": "2",
    "WEBHOOK_BACKOFF_BASE_S": "1",
    "WEBHOOK_BACKOFF_MAX_S": "8",
    "WEBHOOK_PAUSE_MAX_S": "10",
    "WEBHOOKS_METRICS_PORT": "0",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class System:
    scenario: str
    redis_url: str
    es_url: str
    extra_env: dict[str, str] = field(default_factory=dict)
    namespace: str = ""
    ingest_port: int = 0
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    receiver: Receiver = field(default_factory=Receiver)
    topics: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what a fault saw, printed after the scenario's line
    down_since: float = 0.0  # when a fault that started with the load began (time.monotonic())

    def __post_init__(self) -> None:
        self.namespace = self.namespace or f"chaos-{self.scenario}-{uuid.uuid4().hex[:6]}"
        self.logs = OUTPUT / self.namespace
        self.logs.mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, **CHAOS_ENV, **self.extra_env, "NAMESPACE": self.namespace, "REDIS_URL": self.redis_url}
        services_es = self.extra_env.get("CHAOS_SERVICE_ES_URLS", self.es_url)  # every node of a cluster
        self.env.update(ELASTICSEARCH_URL=services_es, PYTHONUNBUFFERED="1", LOG_LEVEL="INFO")
        self.settings = Settings(namespace=self.namespace, redis_url=self.redis_url, elasticsearch_url=self.es_url)
        self.es = Elasticsearch(self.es_url, request_timeout=30, retry_on_timeout=True, max_retries=5)
        self.redis = connect(self.settings)

    @property
    def ingest_url(self) -> str:
        return f"http://127.0.0.1:{self.ingest_port}"

    def _start(self, name: str, argv: list[str]) -> subprocess.Popen[bytes]:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - the process keeps it open
        proc = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.processes[name] = proc
        return proc

    def create_index(self, replicas: int = 0) -> None:
        ensure_index(self.es, self.settings)
        if replicas:
            self.es.indices.put_settings(index=self.settings.index_alias, settings={"number_of_replicas": replicas})
            self.es.cluster.health(index=self.settings.index_alias, wait_for_status="green", timeout="120s")

    def start_ingest(self) -> None:
        self.ingest_port = self.ingest_port or free_port()
        argv = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{self.ingest_port}", "--workers", "2", "--timeout", "60"]
        self._start("ingest", [*argv, "services.ingest.wsgi:app"])
        self.wait(lambda: requests.get(f"{self.ingest_url}/healthz", timeout=2).ok, 60, "ingest /healthz")

    def start_worker(self, name: str = "worker", concurrency: int = 2, app: str = "services.worker.app") -> None:
        argv = [str(BIN / "celery"), "-A", app, "worker", "--concurrency", str(concurrency), "--loglevel", "INFO"]
        argv += ["-n", f"{name}-{uuid.uuid4().hex[:4]}-{self.namespace}@%h", "--without-mingle", "--without-gossip"]
        log = self.logs / f"{name}.log"
        seen = log.read_text(errors="replace").count(" ready.") if log.exists() else 0
        self._start(name, argv)
        self.wait(lambda: log.read_text(errors="replace").count(" ready.") > seen, 120, f"{name} ready")
        self.wait(lambda: len(self.children(name)) >= concurrency, 60, f"{name} pool")

    def start_indexer(self, name: str = "indexer", app: str = "services.indexer.app") -> None:
        argv = [str(BIN / "celery"), "-A", app, "worker", "--loglevel", "INFO"]
        argv += ["-n", f"{name}-{uuid.uuid4().hex[:4]}-{self.namespace}@%h", "--without-mingle", "--without-gossip"]
        log = self.logs / f"{name}.log"
        seen = log.read_text(errors="replace").count(" ready.") if log.exists() else 0
        self._start(name, argv)
        self.wait(lambda: log.read_text(errors="replace").count(" ready.") > seen, 120, f"{name} ready")

    def start_deliverer(self) -> None:
        """The webhook deliverer (`python -m services.webhooks`), one process as in production."""
        log = self.logs / "webhooks.log"
        seen = log.read_text(errors="replace").count("deliverer started") if log.exists() else 0
        self._start("webhooks", [str(BIN / "python"), "-m", "services.webhooks"])
        self.wait(lambda: log.read_text(errors="replace").count("deliverer started") > seen, 60, "webhook deliverer")

    def start_beat(self) -> None:
        """Celery beat: the in-flight sweep every SWEEP_INTERVAL_S (and feed ticks), its schedule in the log folder."""
        argv = [str(BIN / "celery"), "-A", "services.worker.app", "beat", "--loglevel", "INFO"]
        self._start("beat", [*argv, "--schedule", str(self.logs / "beat-schedule")])

    def children(self, name: str = "worker") -> list[int]:
        """Pool processes of a Celery worker (or gunicorn workers): the main process's children."""
        pid = self.processes[name].pid
        try:
            text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    def kill_group(self, name: str, sig: int = signal.SIGKILL) -> None:
        proc = self.processes.pop(name)
        os.killpg(proc.pid, sig)
        proc.wait(120)

    def stop(self) -> None:
        for name, proc in list(self.processes.items()):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
            self.processes.pop(name, None)

    def cleanup(self) -> None:
        self.receiver.stop()
        try:
            drop_namespace(self.es, self.settings.index_alias)
            for key in self.redis.scan_iter(f"{self.namespace}:*", count=1000):
                self.redis.delete(key)
        except Exception as exc:  # noqa: BLE001 - cleanup of a failed scenario must not hide its result
            print(f"cleanup of {self.namespace} failed: {exc}", file=sys.stderr)

    @staticmethod
    def wait(check: object, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if check():  # type: ignore[operator]
                    return
            except (requests.RequestException, OSError, redis.RedisError):
                pass
            time.sleep(0.2)
        raise AssertionError(f"timed out after {timeout}s waiting for {what}")

    # The census: what became of each accepted article (tests/chaos/census.py).

    def census(self, accepted: Accepted) -> Census:
        """Stored documents, dead letters and the indexer's writes (every indexer log of this scenario, restarts included)."""
        writes = writes_in_logs(sorted(self.logs.glob("indexer*.log")))
        return take_census(self.es, self.settings.index_alias, accepted, dead_letters(self.redis, self.settings), writes)

    def create_topics(self) -> None:
        """The receiver listening, and the topics saved (two with a webhook to it): before the load."""
        self.receiver.start()
        self.topics = create_topics(self.redis, self.settings, self.receiver.url)
        self.receiver.secrets.update({t["id"]: t["webhook_secret"] for t in self.topics if t.get("webhook_secret")})

    def topic_census(self) -> TopicCensus:
        """Each topic's events against its own search over the stored articles, each delivery against the receiver."""
        return read_topics(self.es, self.redis, self.settings, self.topics, self.receiver.received())
