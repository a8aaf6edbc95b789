"""The thirteen faults. Each takes the running system and returns when it has healed (time.monotonic()).
Every scenario also saves topics and runs the webhook deliverer (tests/chaos/topics.py); 11-13 aim at them."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

from shared.topics.keys import TopicKeys, WebhookKeys
from tests.chaos.engines import ChaosElasticsearch, ChaosRedis
from tests.chaos.kill_indexer_app import KILLED_LINE
from tests.chaos.load import Load, article
from tests.chaos.system import System


@dataclass
class Engines:
    redis: ChaosRedis
    single: ChaosElasticsearch  # scenarios 1-7 and 9
    starved: ChaosElasticsearch  # scenario 8: a node with a one-thread, one-slot write queue
    cluster: ChaosElasticsearch  # scenario 10: three nodes, one replica


Fault = Callable[[System, Load, Engines], float]


@dataclass
class Scenario:
    name: str
    fault: Fault
    engine: str = "single"
    concurrency: int = 2  # normalization is CPU work: one process per core
    app: str = "services.worker.app"
    indexer_app: str = "services.indexer.app"
    rate_per_s: float = 0.0  # 0: spread the load over about 30 s
    make: Callable[[str, int], dict[str, Any]] = article
    extra_env: dict[str, str] = field(default_factory=dict)
    before_load: Callable[[System], None] | None = None  # a fault that starts with the load (the fault then ends it)


def worker_child_kill(system: System, load: Load, engines: Engines) -> float:
    for _ in range(3):
        children = system.children("worker")
        if children:
            os.kill(children[0], signal.SIGKILL)
        time.sleep(2)
    return time.monotonic()


def worker_kill(system: System, load: Load, engines: Engines) -> float:
    """The worker and the indexer, each holding messages (the indexer a batch mid-write), killed at once."""
    system.kill_group("worker", signal.SIGKILL)
    system.kill_group("indexer", signal.SIGKILL)
    time.sleep(1)
    system.start_worker("worker")
    system.start_indexer()
    return time.monotonic()


def worker_sigterm(system: System, load: Load, engines: Engines) -> float:
    procs = [system.processes.pop(name) for name in ("worker", "indexer")]
    for proc in procs:
        proc.send_signal(signal.SIGTERM)  # warm shutdown: running tasks finish, reserved ones go back
    for proc in procs:
        proc.wait(120)
    system.start_worker("worker")
    system.start_indexer()
    return time.monotonic()


def es_stop_30s(system: System, load: Load, engines: Engines) -> float:
    engines.single.stop()
    time.sleep(30)
    engines.single.start()
    return time.monotonic()


def redis_kill(system: System, load: Load, engines: Engines) -> float:
    engines.redis.kill()
    time.sleep(3)
    engines.redis.start()  # replays its append-only file
    return time.monotonic()


def ingest_kill(system: System, load: Load, engines: Engines) -> float:
    system.kill_group("ingest", signal.SIGKILL)
    time.sleep(2)
    system.start_ingest()
    return time.monotonic()


def es_sigstop(system: System, load: Load, engines: Engines) -> float:
    engines.single.signal(1, signal.SIGSTOP)
    time.sleep(20)  # four times ELASTICSEARCH_TIMEOUT_S
    engines.single.signal(1, signal.SIGCONT)
    return time.monotonic()


def es_429_burst(system: System, load: Load, engines: Engines) -> float:
    load.join()  # the burst itself is the fault
    return time.monotonic()


def poison(system: System, load: Load, engines: Engines) -> float:
    return time.monotonic()


def cluster_node_kill(system: System, load: Load, engines: Engines) -> float:
    victim = system.extra_env["CHAOS_VICTIM_NODE"]
    engines.cluster.signal(int(victim), signal.SIGKILL)
    return time.monotonic()


CHAOS_N = int(os.environ.get("CHAOS_N", "2000"))
RECEIVER_DOWN_S = float(os.environ.get("CHAOS_RECEIVER_DOWN_S", "120"))
KILLING_INDEXER = "tests.chaos.kill_indexer_app"
HOLDING_INDEXER = "tests.chaos.kill_indexer_held_app"  # dies the same way; its fan-out never applies its staged matches


def close_receiver(system: System) -> None:
    system.receiver.down("closed")
    system.notes.append(f"receiver_down_s={RECEIVER_DOWN_S:.0f}")
    system.down_since = time.monotonic()


def receiver_down(system: System, load: Load, engines: Engines) -> float:
    """The partner's endpoint refuses connections (its port closed) for minutes from the start of the load; then it
    comes back slow for a few seconds (its 204 later than WEBHOOK_TIMEOUT_S: a failure, sent again), then sound."""
    time.sleep(max(0.0, system.down_since + RECEIVER_DOWN_S - time.monotonic()))
    system.notes.append(f"pending_when_up={system.redis.hlen(WebhookKeys(system.settings).deliveries)}")
    system.receiver.up(slow_s=3)
    late = system.receiver.late
    System.wait(lambda: system.receiver.late >= late + 2, 40, "two answers later than the deliverer waits")
    system.receiver.up()
    return time.monotonic()


def indexer_killed_before_matching(system: System, load: Load, engines: Engines) -> float:
    """Twice an indexer (tests/chaos/kill_indexer_app.py) SIGKILLs itself between a bulk write and its matching;
    then a normal one. The batches come back after the visibility timeout and are written and matched again. The
    second one's fan-out never runs: the matches of the batches it acknowledged stay staged in the outbox when it
    dies, for the normal indexer's fan-out to apply."""
    for app in (HOLDING_INDEXER, "services.indexer.app"):
        system.processes["indexer"].wait(120)  # it dies at its third batch
        system.processes.pop("indexer")
        staged = system.redis.xlen(TopicKeys(system.settings).outbox)
        system.start_indexer(app=app)
    log = (system.logs / "indexer.log").read_text(errors="replace")
    killed = [line.split(KILLED_LINE, 1)[1].split('"', 1)[0].split() for line in log.splitlines() if KILLED_LINE in line]
    system.notes.append(f"killed_batches={len(killed)} killed_articles={sum(map(len, killed))} staged_at_kill={staged}")
    return time.monotonic()


def redis_kill_deliveries_pending(system: System, load: Load, engines: Engines) -> float:
    """Deliveries pile up behind a closed endpoint; Redis is SIGKILLed and replays its AOF; then the endpoint is back."""
    system.receiver.down("closed")
    load.join()
    System.wait(lambda: system.census(load.versions).settled, 180, "every accepted article stored")
    time.sleep(2)  # past appendfsync everysec: what the kill may lose is the deliverer's rescheduling, not the outbox
    pending = system.redis.hlen(WebhookKeys(system.settings).deliveries)
    engines.redis.kill()
    time.sleep(3)
    engines.redis.start()  # replays its append-only file
    System.wait(lambda: system.redis.ping(), 30, "Redis back")
    after = system.redis.hlen(WebhookKeys(system.settings).deliveries)
    system.notes.append(f"pending_at_kill={pending} pending_after_replay={after}")
    time.sleep(2)  # the deliverer meets Redis again and the closed endpoint once more
    system.receiver.up()
    return time.monotonic()


POISONS = ("POISON-RAISE", "POISON-CRASH", "POISON-HANG", "POISON-HARDHANG")


def poison_every(total: int) -> int:
    """About ten poison articles per run (at least one of each kind from 200 articles on)."""
    return max(50, total // 10)


def poisoned_article(scenario: str, n: int, total: int = 0) -> dict[str, Any]:
    """One article in `poison_every` is poison, of the four kinds in turn."""
    item = article(scenario, n)
    every = poison_every(total or int(os.environ.get("CHAOS_N", "2000")))
    if n % every == 7:
        item["title"] = f"{POISONS[(n // every) % len(POISONS)]} {item['title']}"
    return item


SCENARIOS = [
    Scenario("1-worker-child-sigkill", worker_child_kill),
    Scenario("2-worker-sigkill-restart", worker_kill),
    Scenario("3-worker-sigterm", worker_sigterm),
    Scenario("4-es-stopped-30s", es_stop_30s),
    Scenario("5-redis-sigkill-aof-restart", redis_kill),
    Scenario("6-ingest-sigkill", ingest_kill),
    Scenario("7-es-sigstop-past-timeout", es_sigstop),
    # Many small bulk requests at once against a one-slot write queue: Elasticsearch answers 429s.
    Scenario(
        "8-es-429-write-queue",
        es_429_burst,
        engine="starved",
        rate_per_s=400,
        extra_env={"INDEXER_CONCURRENCY": "6", "INDEX_BATCH_MAX_DOCS": "10", "INDEX_BATCH_WAIT_S": "0.05"},
    ),
    Scenario("9-poison-articles", poison, app="tests.chaos.poison_app", make=poisoned_article),
    Scenario("10-cluster-node-sigkill", cluster_node_kill, engine="cluster"),
    Scenario("11-webhook-receiver-down", receiver_down, before_load=close_receiver),
    # The first indexer is the killing one; the fault starts a second killing one (its fan-out held), then a normal one.
    # The visibility timeout as short as the limits allow (> 12 s hard limit + 8 s backoff): the batches come back sooner.
    Scenario(
        "12-indexer-sigkill-before-matching",
        indexer_killed_before_matching,
        indexer_app=KILLING_INDEXER,
        extra_env={"VISIBILITY_TIMEOUT_S": "22", "SWEEP_AFTER_S": "27"},
    ),
    Scenario("13-redis-sigkill-deliveries-pending", redis_kill_deliveries_pending, rate_per_s=CHAOS_N / 15),
]


def primary_node(es_url: str, index: str) -> str:
    shards = requests.get(f"{es_url}/_cat/shards/{index}?format=json", timeout=10).json()
    return next(s["node"] for s in shards if s["prirep"] == "p")
