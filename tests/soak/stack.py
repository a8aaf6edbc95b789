"""The one long-lived system of a soak run: its own Redis and Elasticsearch node, and the real ingest and search
(gunicorn), Celery worker, indexer and beat, started once and never restarted by the suite.

Settings are production's defaults (shared/settings.py), not chaos' short limits: visibility timeout 300 s,
hard limit 60 s, backoff up to 60 s, 8 retries, a 10 s Elasticsearch timeout, the sweeper every 60 s after
660 s, the indexer's outage hold and the watchdog at theirs. A wedge that only the visibility timeout or the
sweeper heals therefore takes minutes to heal here, which is what the suite's settle windows are short enough
to catch. Deliberate differences, none of them in what is measured: the worker's and indexer's metrics and
health ports are free ones (9808/9809 belong to `make up`), no scheduled snapshots (they would write into the
snapshot folder every local node shares), no supervisor (a process that ends is a finding, not restarted),
and the services' logs in test-output/soak/.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import requests

from shared.settings import Settings
from tests.chaos.engines import ChaosElasticsearch, ChaosRedis
from tests.chaos.system import BIN, CHAOS_ENV, ROOT, System, free_port

OUTPUT = ROOT / "test-output" / "soak"
# Beside chaos (Redis 16399; Elasticsearch 19200/19250/19210-19212, transport ports +100) and another suite's 19400.
REDIS_PORT = 16499
ES_HTTP_PORT = 19600  # transport 19700
ES_CLUSTER = "soak1"
SERVICES = ("ingest", "search", "worker", "indexer", "beat", "webhooks")


def production_env() -> dict[str, str]:
    """Every setting chaos shortens, back at its production default; the differences of the module docstring."""
    fields = Settings.model_fields
    unknown = [name for name in CHAOS_ENV if name.lower() not in fields]
    assert not unknown, f"chaos sets {unknown}, which are not settings: give them their production value here"
    env = {name: str(fields[name.lower()].default) for name in CHAOS_ENV}
    env.update(WORKER_METRICS_PORT=str(free_port()), INDEXER_METRICS_PORT=str(free_port()), SNAPSHOT_INTERVAL_S="0")
    # The topic census reads every match event of the run and the receiver listens on 127.0.0.1: the SSE backlog kept
    # whole and loopback webhooks, the only topic settings not at production's values (docs/soak.md).
    env.update(TOPIC_EVENTS_BACKLOG="1000000", WEBHOOK_FETCH_ADDRESSES="loopback", WEBHOOKS_METRICS_PORT=str(free_port()))
    vt, hard, backoff = (float(env[k]) for k in ("VISIBILITY_TIMEOUT_S", "TASK_TIME_LIMIT_S", "RETRY_BACKOFF_MAX_S"))
    assert vt > hard + backoff, "README Guarantees: VISIBILITY_TIMEOUT_S > TASK_TIME_LIMIT_S + RETRY_BACKOFF_MAX_S"
    return env


LOCK = Path(f"/tmp/newsroom-soak-{REDIS_PORT}.lock")  # noqa: S108 - one soak run per machine: the ports are machine-wide


@contextlib.contextmanager
def only_run() -> Iterator[None]:
    """Held for the whole run: a second run (from any checkout) stops at once instead of sharing the ports and the
    `soak1` node, whose teardown would wipe the first run's engines. A lock, not a port check: two runs started in
    the same second both see free ports."""
    with open(LOCK, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            raise SystemExit(f"another soak run holds {LOCK} (pid {lock.read().strip() or '?'}): one at a time") from None
        lock.seek(0)
        lock.truncate()
        lock.write(str(os.getpid()))
        lock.flush()
        yield


def port_taken(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class Engines:
    redis: ChaosRedis
    es: ChaosElasticsearch

    @classmethod
    def of(cls, run_dir: Path) -> Engines:
        return cls(ChaosRedis(REDIS_PORT, run_dir / "redis"), ChaosElasticsearch(ES_CLUSTER, 1, ES_HTTP_PORT))

    def start(self) -> None:
        busy = [p for p in (REDIS_PORT, ES_HTTP_PORT, ES_HTTP_PORT + 100) if port_taken(p)]
        assert not busy, f"ports {busy} are in use: is another soak run going on?"
        self.redis.start()
        try:
            self.es.start()
        except subprocess.CalledProcessError as exc:
            raise AssertionError(f"es-cluster.sh start failed: {exc.stdout}\n{exc.stderr}") from exc
        self.es.wait_ready()

    def stop(self, logs: Path) -> None:
        """Stop both, keep the node's own log beside the services' logs, and remove its data."""
        with contextlib.suppress(Exception):  # a Redis or node left stopped by a failed step: wake it so it can end
            if self.redis.proc:
                self.redis.proc.send_signal(signal.SIGCONT)
            self.es.signal(1, signal.SIGCONT)
        self.redis.stop()
        self.es.stop()
        node = Path(os.environ.get("ES_BASE", "/var/lib/newsroom-search")) / "clusters" / ES_CLUSTER / "node1"
        for source, name in (
            (node / "logs" / f"newsroom-{ES_CLUSTER}.log", "elasticsearch.log"),
            (node / "start.log", "es-start.log"),
        ):
            with contextlib.suppress(OSError):
                shutil.copyfile(source, logs / name)
        self.es.wipe()


@dataclass
class Stack(System):
    """chaos' System with a search service, production settings and its logs under test-output/soak/."""

    search_port: int = 0
    pids: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__post_init__()
        with contextlib.suppress(OSError):
            self.logs.rmdir()  # System made its (empty) folder under test-output/chaos/
        self.logs = OUTPUT / self.namespace
        self.logs.mkdir(parents=True, exist_ok=True)

    @classmethod
    def create(cls, engines: Engines, namespace: str, overrides: dict[str, str]) -> Stack:
        """Production settings, with `overrides` (`--set`, for a diagnostic run) on top."""
        env = {**production_env(), **{name.upper(): value for name, value in overrides.items()}}
        return cls("soak", engines.redis.url, engines.es.url(), env, namespace=namespace)

    @property
    def search_url(self) -> str:
        return f"http://127.0.0.1:{self.search_port}"

    def start_search(self) -> None:
        """As `make up` runs it: gthread, 2 workers x 8 threads."""
        self.search_port = self.search_port or free_port()
        argv = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{self.search_port}", "--workers", "2", "--timeout", "60"]
        self._start("search", [*argv, "--worker-class", "gthread", "--threads", "8", "services.search.wsgi:app"])
        self.wait(lambda: requests.get(f"{self.search_url}/healthz", timeout=2).ok, 60, "search /healthz")

    def start_all(self) -> None:
        self.create_index()
        self.start_ingest()
        self.start_search()
        self.start_worker("worker", 2)
        self.start_indexer()
        self.start_beat()
        self.start_deliverer()
        self.create_topics()  # saved before any article: the topic census counts every one (tests/chaos/topics.py)
        self.pids = {name: self.processes[name].pid for name in SERVICES}

    def holding(self) -> str:
        """What the worker and the indexer say they hold (their progress metrics): after a step has settled, messages
        held long ago mean the watchdog will take a busy process for a wedged one (docs/adr/0004)."""
        found = []
        for name in ("worker", "indexer"):
            port = self.env[f"{name.upper()}_METRICS_PORT"]
            try:
                text = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
            except requests.RequestException:
                found.append(f"{name}:?")
                continue
            values = dict(line.split("} ") for line in text.splitlines() if line.startswith("newsroom_consumer_"))
            held = next((v for k, v in values.items() if k.startswith("newsroom_consumer_held_messages")), "?")
            age = next((v for k, v in values.items() if k.startswith("newsroom_consumer_oldest_held_age")), "?")
            found.append(f"{name}:{float(held):.0f}/{float(age):.0f}s" if "?" not in (held, age) else f"{name}:?")
        return ",".join(found)

    def dead_or_replaced(self) -> list[str]:
        """Services whose main process has exited or is not the one started (the suite never restarts any)."""
        now = {name: proc for name, proc in self.processes.items() if proc.poll() is None}
        return [name for name in SERVICES if name not in now or now[name].pid != self.pids[name]]
