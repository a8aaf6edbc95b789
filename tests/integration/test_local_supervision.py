"""`make up`'s services on this machine bring back what crashed: the supervisor restarts a Celery process that
ends, `make up` again starts what is not running (gone, or killed with its whole process tree), and
`make status` says so. Run on a run folder, namespace and ports of the test's own."""

from __future__ import annotations

import os
import signal
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from shared.es.client import make_client
from shared.es.index import drop_namespace, ensure_index
from shared.settings import Settings
from tests.stack import OUTPUT, ROOT, free_port, wait_until

LOCAL = ROOT / "infra" / "local"


class LocalRun:
    def __init__(self) -> None:
        self.namespace = f"test-up-{uuid.uuid4().hex[:6]}"
        self.run_dir = OUTPUT / self.namespace
        ports = {name: str(free_port()) for name in ("INGEST", "SEARCH", "FLOWER", "WORKER_METRICS", "INDEXER_METRICS")}
        self.env = {**os.environ, "RUN_DIR": str(self.run_dir), "NAMESPACE": self.namespace}
        self.env.update({f"{name}_PORT": port for name, port in ports.items()})
        self.ingest = f"http://127.0.0.1:{ports['INGEST']}"

    def sh(self, script: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["bash", str(LOCAL / script)], env=self.env, capture_output=True, text=True, timeout=300)

    def pid(self, name: str) -> int:
        return int((self.run_dir / f"{name}.pid").read_text())

    def status(self) -> subprocess.CompletedProcess[str]:
        return self.sh("status.sh")


@pytest.fixture
def local() -> Iterator[LocalRun]:
    run = LocalRun()
    settings = Settings(namespace=run.namespace)
    es = make_client(settings)
    ensure_index(es, settings)
    try:
        started = run.sh("services.sh")
        assert started.returncode == 0, started.stdout + started.stderr
        yield run
    finally:
        run.sh("down.sh")
        drop_namespace(es, settings.index_alias)


def indexed(run: LocalRun, title: str) -> None:
    article_id = requests.post(f"{run.ingest}/v1/articles", json={"title": title, "body": "Still here."}, timeout=30).json()["id"]
    wait_until(lambda: requests.get(f"{run.ingest}/v1/articles/{article_id}", timeout=5).json()["status"] == "indexed", 90)


def test_a_crashed_indexer_is_started_again_by_its_supervisor(local: LocalRun) -> None:
    before = local.pid("indexer")
    os.kill(before, signal.SIGKILL)
    wait_until(lambda: local.pid("indexer") != before and (local.run_dir / "indexer.restarts").read_text().strip() == "1", 30)
    wait_until(lambda: local.status().returncode == 0, 120, what="make status: everything ready again")
    indexed(local, "After the indexer crashed")


def test_make_up_starts_a_worker_killed_with_its_whole_process_tree(local: LocalRun) -> None:
    worker, supervisor = local.pid("worker"), local.pid("worker.supervisor")
    children = Path(f"/proc/{worker}/task/{worker}/children").read_text().split()
    for pid in (supervisor, worker, *map(int, children)):
        os.kill(pid, signal.SIGKILL)
    down = local.status()
    assert down.returncode == 1 and "worker" in down.stdout and "NOT RUNNING" in down.stdout
    again = local.sh("services.sh")  # what `make up` runs once the engines answer
    assert again.returncode == 0, again.stdout + again.stderr
    assert local.pid("worker") != worker
    assert local.status().returncode == 0
    indexed(local, "After the worker's tree was killed")
