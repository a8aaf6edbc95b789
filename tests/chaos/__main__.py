"""`make chaos`: each scenario sends a few thousand articles (and a corrected second version of every tenth)
through real processes while a fault happens, waits for the system to settle, prints one line and requires
missing=0 dup_ids=0 dup_content=0 stale=0 (rewrites are reported; tests/chaos/census.py, docs/fault-checks.md),
and of the topics saved before the load topic_missing=0 topic_double=0 topic_extra=0 hook_missing=0 hook_unknown=0
(tests/chaos/topics.py).

    python -m tests.chaos [SCENARIO-PREFIX ...]     e.g. `python -m tests.chaos 1- 5-`
    CHAOS_N=2000 articles per scenario; CHAOS_SETTLE_S=240 longest wait for the system to settle.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from dataclasses import dataclass

from tests.chaos.census import Census
from tests.chaos.engines import ChaosElasticsearch, ChaosRedis
from tests.chaos.load import Load
from tests.chaos.scenarios import POISONS, SCENARIOS, Engines, Scenario, poison_every, primary_node
from tests.chaos.system import OUTPUT, System
from tests.chaos.topics import TopicCensus

N = int(os.environ.get("CHAOS_N", "2000"))
SETTLE_S = float(os.environ.get("CHAOS_SETTLE_S", "240"))


@dataclass
class Result:
    name: str
    sent: int
    edited: int  # articles accepted in two versions
    census: Census | None  # None: the scenario crashed, or no census could be taken
    recovery_s: float
    note: str = ""
    topics: TopicCensus | None = None

    def line(self) -> str:
        accepted = self.census.accepted if self.census else 0
        counts = self.census.line() if self.census else "census=none"
        counts += " " + (self.topics.line() if self.topics else "topic_census=none")
        line = f"{self.name} sent={self.sent} accepted={accepted} edited={self.edited} {counts} recovery_s={self.recovery_s:.1f}"
        return line + (f"  # {self.note}" if self.note else "")

    @property
    def ok(self) -> bool:
        census, topics = self.census, self.topics
        held = census is not None and census.held and census.accepted > 0 and topics is not None and topics.held
        return held and "FAILED" not in self.note


def es_url_for(scenario: Scenario, engines: Engines, system_env: dict[str, str]) -> str:
    if scenario.engine == "cluster":
        return engines.cluster.url(int(system_env["CHAOS_ENTRY_NODE"]))
    return engines.starved.url() if scenario.engine == "starved" else engines.single.url()


def prepare_cluster(scenario: Scenario, engines: Engines) -> dict[str, str]:
    """Index with one replica; the victim is the node holding the primary. The services know all three nodes
    (as production would list them); the census enters through another node than the victim."""
    probe = System(scenario.name, engines.redis.url, engines.cluster.url(1))
    probe.create_index(replicas=1)
    holder = primary_node(engines.cluster.url(1), probe.settings.index_alias)
    victim = int(holder.rsplit("-", 1)[1])
    entry = 1 if victim != 1 else 2
    nodes = ",".join(engines.cluster.url(n) for n in (1, 2, 3))
    return {
        "CHAOS_VICTIM_NODE": str(victim),
        "CHAOS_ENTRY_NODE": str(entry),
        "CHAOS_NAMESPACE": probe.namespace,
        "CHAOS_SERVICE_ES_URLS": nodes,
    }


def run(scenario: Scenario, engines: Engines) -> Result:
    extra = dict(scenario.extra_env)
    if scenario.engine == "cluster":
        extra.update(prepare_cluster(scenario, engines))
    # The cluster scenario keeps the namespace whose index it prepared with a replica.
    namespace = extra.get("CHAOS_NAMESPACE", "")
    system = System(scenario.name, engines.redis.url, es_url_for(scenario, engines, extra), extra, namespace=namespace)
    system.create_index()
    system.create_topics()
    system.start_ingest()
    system.start_worker("worker", scenario.concurrency, scenario.app)
    system.start_indexer(app=scenario.indexer_app)
    system.start_beat()
    system.start_deliverer()
    load = Load(system.ingest_url, system.namespace, N, scenario.rate_per_s or N / 30, make=scenario.make)
    try:
        if scenario.before_load:
            scenario.before_load(system)
        load.start()
        System.wait(lambda: load.progress >= N * 0.3, 120, "a third of the load sent")
        healed = scenario.fault(system, load, engines)
        load.join()
        return settle(scenario, system, load, healed)
    finally:
        system.stop()
        system.cleanup()


def settle(scenario: Scenario, system: System, load: Load, healed: float) -> Result:
    """Take both censuses until every accepted article is stored in its last version or dead-lettered, every match
    recorded and every webhook delivered (the outbox empty), or SETTLE_S."""
    deadline = time.monotonic() + SETTLE_S
    census: Census | None = None
    topics: TopicCensus | None = None
    while True:
        try:
            census = system.census(load.versions)
            topics = system.topic_census()
        except Exception as exc:  # noqa: BLE001 - an engine still recovering: look again
            print(f"  census: {type(exc).__name__}: {exc}", file=sys.stderr)
        if (census and census.settled and topics and topics.settled) or time.monotonic() > deadline:
            break
        time.sleep(2)
    recovery = time.monotonic() - healed
    note = " ".join([*system.notes, f"refused={load.refusals}" if load.refusals else ""])
    if scenario.name.startswith("9-") and census:
        note += f" poison_dead={census.dead}"  # check_poison: exactly the poison articles are dead
    if scenario.engine == "starved":
        note += f" es_429_retries={count_in_log(system, '429')}"
    if census and not census.held:
        note += f" FAILED: {census.examples()}"
    if topics and not topics.held:
        note += f" FAILED: {topics.examples()}"
    return Result(scenario.name, load.sent, load.versions.edited, census, recovery, note.strip(), topics)


def count_in_log(system: System, needle: str) -> int:
    """Retries whose reason holds `needle`: the indexer sends such articles again (one line per batch)."""
    text = (system.logs / "indexer.log").read_text(errors="replace")
    return sum(1 for line in text.splitlines() if "sent again" in line and needle in line)


def check_poison(result: Result) -> None:
    expected = sum(1 for n in range(N) if n % poison_every(N) == 7)
    dead = result.census.dead if result.census else 0
    if dead != expected:
        result.note += f" FAILED: {dead} dead, {expected} poison sent"


def main(argv: list[str]) -> int:
    chosen = [s for s in SCENARIOS if not argv or any(s.name.startswith(a) for a in argv)]
    engines = Engines(
        redis=ChaosRedis(16399, OUTPUT / "redis"),
        single=ChaosElasticsearch("chaos1", 1, 19200),
        starved=ChaosElasticsearch("chaos429", 1, 19250, "thread_pool.write.size: 1\nthread_pool.write.queue_size: 1"),
        cluster=ChaosElasticsearch("chaos3", 3, 19210),
    )
    needed = [e for e in ("single", "starved", "cluster") if any(s.engine == e for s in chosen)]
    engines.redis.start()
    # The first engine is started alone; the others start in the background while the first scenarios run.
    starters = {e: threading.Thread(target=getattr(engines, e).start, daemon=True) for e in needed}
    results: list[Result] = []
    try:
        for n, name in enumerate(needed):
            starters[name].start()
            if n == 0:
                starters[name].join()
        for i, scenario in enumerate(chosen):
            starters[scenario.engine].join()
            getattr(engines, scenario.engine).wait_ready()
            started = time.monotonic()
            try:
                result = run(scenario, engines)
                if scenario.name.startswith("9-"):
                    check_poison(result)
            except Exception:  # noqa: BLE001 - report and go on with the next scenario
                traceback.print_exc()
                result = Result(scenario.name, 0, 0, None, 0, "FAILED: the scenario itself crashed")
            results.append(result)
            print(result.line() + f"  ({time.monotonic() - started:.0f}s)", flush=True)
            if all(s.engine != scenario.engine for s in chosen[i + 1 :]):
                getattr(engines, scenario.engine).wipe()  # free its memory and cores for the rest
    finally:
        engines.redis.stop()
        for name in needed:
            getattr(engines, name).wipe()
    (OUTPUT / "results.txt").write_text("\n".join(r.line() for r in results) + "\n")
    failed = [r.name for r in results if not r.ok]
    print(f"chaos: {len(results) - len(failed)}/{len(results)} scenarios held" + (f"; FAILED: {failed}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    assert POISONS
    sys.exit(main(sys.argv[1:]))
