"""The chaos suite's own engines: a Redis and Elasticsearch nodes on ports of their own, so that killing
them never touches the shared 6379/9200 that other people's work is using."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import redis
import requests

from shared.redis_client import connect
from shared.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
CLUSTER_SH = ROOT / "infra" / "local" / "es-cluster.sh"


@dataclass
class ChaosRedis:
    """redis-server with the production persistence: AOF, appendfsync everysec, noeviction."""

    port: int
    workdir: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        argv = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.workdir)]
        argv += ["--appendonly", "yes", "--appendfsync", "everysec", "--maxmemory-policy", "noeviction", "--save", ""]
        log = open(self.workdir / "redis.log", "ab")  # noqa: SIM115 - the process keeps it open
        self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        client = connect(Settings(redis_url=self.url))
        deadline = time.monotonic() + 30
        while True:
            try:
                if client.ping():
                    return
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.1)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(30)


def free_node_port(candidates: range) -> int:
    """An HTTP port whose transport port (+100, es-cluster.sh) is free too: two runs sharing the machine get a node each."""
    for port in candidates:
        with socket.socket() as http, socket.socket() as transport:
            try:
                http.bind(("127.0.0.1", port))
                transport.bind(("127.0.0.1", port + 100))
            except OSError:
                continue
            return port
    raise AssertionError(f"no free port pair in {candidates}")


@dataclass
class ChaosElasticsearch:
    """One local cluster of `nodes` processes, started by infra/local/es-cluster.sh."""

    name: str
    nodes: int
    http_port: int
    extra_settings: str = ""

    def url(self, node: int = 1) -> str:
        return f"http://127.0.0.1:{self.http_port + node - 1}"

    def _sh(self, *args: str, check: bool = True) -> str:
        # One processor per node: fewer threads, so several nodes share two cores with the system under test.
        extra = "node.processors: 1\n" + self.extra_settings
        env = {**os.environ, "ES_EXTRA_SETTINGS": extra, "ES_NODE_HEAP": os.environ.get("CHAOS_ES_HEAP", "512m")}
        done = subprocess.run(["bash", str(CLUSTER_SH), *args], env=env, check=check, capture_output=True, text=True)
        return done.stdout.strip()

    def start(self) -> None:
        self._sh("start", self.name, str(self.nodes), str(self.http_port))

    def pid(self, node: int = 1) -> int | None:
        out = self._sh("pid", self.name, str(node), check=False)
        return int(out) if out.isdigit() else None

    def signal(self, node: int, sig: int) -> None:
        pid = self.pid(node)
        assert pid, f"node {node} of {self.name} is not running"
        os.kill(pid, sig)

    def wait_ready(self, node: int = 1, timeout: float = 180, status: str = "yellow") -> None:
        deadline = time.monotonic() + timeout
        url = f"{self.url(node)}/_cluster/health?wait_for_status={status}&timeout=1s"
        while time.monotonic() < deadline:
            try:
                if requests.get(url, timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise AssertionError(f"Elasticsearch {self.name} node {node} not {status} within {timeout}s")

    def stop(self) -> None:
        self._sh("stop", self.name, check=False)

    def wipe(self) -> None:
        self._sh("wipe", self.name, check=False)
