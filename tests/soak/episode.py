"""One step of a soak run: traffic before the fault, the strike, the outage, the heal, the post-heal trickle, and
the census of that step's articles once they are all accounted for (or `settle_s` after the trickle)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from tests.chaos.census import Accepted
from tests.soak.accounting import Settled, settle, step_census
from tests.soak.buffered import unwritten_at, wait_until_buffered
from tests.soak.faults import FAULTS
from tests.soak.freshness import Probe, Watcher
from tests.soak.logs import backlog_s
from tests.soak.plan import BUFFERED_PROBES, Step, Timing
from tests.soak.report import StepResult
from tests.soak.stack import Engines, Stack
from tests.soak.traffic import Articles, Client, Stream, token
from tests.soak.whereabouts import whereabouts


@dataclass
class Run:
    """What every step shares: the one system, its engines, the freshness watcher, the run's ledger of 202s."""

    stack: Stack
    engines: Engines
    watcher: Watcher
    timing: Timing
    accepted: Accepted

    def clients(self, step_accepted: Accepted) -> tuple[Client, Client]:
        """The load's client, and the trickle's (which retries after a second at most: it measures the system)."""
        ledgers = (step_accepted, self.accepted)
        return Client(self.stack.ingest_url, ledgers), Client(self.stack.ingest_url, ledgers, retry_cap_s=1.0)


def trickle(run: Run, client: Client, articles: Articles, every_s: float, duration_s: float) -> list[Probe]:
    """One article every `every_s` for `duration_s`, the first one at once; each watched until searchable."""
    probes: list[Probe] = []
    started = time.monotonic()
    for k in range(max(1, math.ceil(duration_s / every_s))):
        time.sleep(max(0.0, started + k * every_s - time.monotonic()))
        n, item = articles.new()
        accepted = client.post(item)
        if accepted:
            probes.append(Probe(accepted, token(articles.scenario, n), time.monotonic()))
            run.watcher.watch(probes[-1])
    return probes


def finish(run: Run, scenario: str, accepted: Accepted, probes: list[Probe], healed: float) -> tuple[Settled, float]:
    """Wait for the step's articles; the seconds from the heal until all were accounted for (inf: never)."""
    settled = settle(lambda: step_census(run.stack, scenario, accepted), run.timing.settle_s)
    settle_s = time.monotonic() - healed if settled.settled else math.inf
    run.watcher.wait_for(probes, 2 * 0.2 + 1)  # the watcher's last look, after the census saw them stored
    return settled, settle_s


def first_after(probes: list[Probe], since: float) -> float:
    """From `since` until the first probe was found (inf: never)."""
    return probes[0].searchable_at - since if probes and probes[0].searchable_at else math.inf


def lead_in(run: Run, step: Step, client: Client, articles: Articles, stream: Stream) -> list[str]:
    """The traffic before the strike; for `buffered`, the probes the indexer holds when it comes."""
    if step.condition == "load":
        stream.start()
        time.sleep(run.timing.lead_s)
    elif step.condition == "idle":
        time.sleep(run.timing.idle_s)
    else:
        time.sleep(run.timing.quiet_s)
        probes = [i for i in (client.post(articles.new()[1]) for _ in range(BUFFERED_PROBES)) if i]
        wait_until_buffered(run.stack.redis, run.stack.settings, probes)
        return probes
    return []


@dataclass
class Outage:
    struck_at: datetime
    healed_at: datetime
    seconds: float  # strike → the engine answers again


def outage(run: Run, step: Step, stream: Stream) -> Outage:
    """Strike, wait, heal (the load runs through it, except when idle); returns once the engine answers."""
    fault = FAULTS[step.kind]
    struck_at, struck = datetime.now(UTC), time.monotonic()
    fault.strike(run.engines, run.stack)
    if step.condition == "buffered":
        stream.start()
    time.sleep(step.outage_s)
    fault.heal(run.engines, run.stack)
    return Outage(struck_at, datetime.now(UTC), time.monotonic() - struck)


def run_step(run: Run, step: Step, number: int) -> StepResult:
    name = step.name(number)
    scenario = f"{run.stack.namespace}-{name}"
    accepted = Accepted()
    client, trickle_client = run.clients(accepted)
    articles = Articles(scenario)
    stream = Stream(client, articles, run.timing.load_per_s)
    in_buffer = lead_in(run, step, client, articles, stream)
    out = outage(run, step, stream)
    healed = time.monotonic()
    stream.stop()  # the trickle starts now; sends still under way finish meanwhile
    probes = trickle(run, trickle_client, articles, run.timing.trickle_every_s, run.timing.trickle_s)
    stream.join()
    settled, settle_s = finish(run, scenario, accepted, probes, healed)
    log = run.stack.logs / "indexer.log"
    return StepResult(
        name=name,
        kind=step.kind,
        condition=step.condition,
        struck_at=out.struck_at.isoformat(),
        healed_at=out.healed_at.isoformat(),
        outage_s=out.seconds,
        census=settled.census,
        settle_s=settle_s,
        backlog_s=backlog_s(log, accepted.ids - {probe.id for probe in probes}, out.healed_at),
        probes=probes,
        first_s=first_after(probes, healed),
        buffered=f"{unwritten_at(log, in_buffer, out.struck_at)}/{len(in_buffer)}" if in_buffer else "",
        refusals=dict(client.refusals + trickle_client.refusals),
        sent=stream.sent + len(probes) + len(in_buffer),
        services_down=run.stack.dead_or_replaced(),
        holding=run.stack.holding(),
        where=missing_where(run, settled),
    )


def missing_where(run: Run, settled: Settled) -> dict[str, str]:
    missing = settled.census.missing_ids if settled.census else frozenset()
    return whereabouts(run.stack.redis, run.stack.settings, missing) if missing else {}


def baseline(run: Run) -> StepResult:
    """The healthy system's freshness on this machine now: a trickle with no fault, the reference row."""
    name = "00-baseline"
    scenario = f"{run.stack.namespace}-{name}"
    accepted = Accepted()
    _client, trickle_client = run.clients(accepted)
    articles = Articles(scenario)
    # Warm-up, not measured: the first search and the first bulk request of fresh processes take seconds.
    warm = trickle(run, trickle_client, articles, 0.5, 1.5)
    run.watcher.wait_for(warm, 60)
    started, started_at = time.monotonic(), datetime.now(UTC).isoformat()
    probes = trickle(run, trickle_client, articles, run.timing.trickle_every_s, run.timing.baseline_s)
    settled, settle_s = finish(run, scenario, accepted, probes, started)
    return StepResult(
        name=name,
        kind="none",
        condition="trickle",
        struck_at=started_at,
        healed_at=started_at,
        outage_s=0.0,
        census=settled.census,
        settle_s=settle_s,
        backlog_s=0.0,
        probes=probes,
        first_s=first_after(probes, started),
        buffered="",
        refusals=dict(trickle_client.refusals),
        sent=len(warm) + len(probes),
        services_down=run.stack.dead_or_replaced(),
        holding=run.stack.holding(),
    )
