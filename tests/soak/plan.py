"""What a soak run does, in order: the faults, the traffic around each, and how long every phase lasts.

A step is one fault of one kind striking under one condition:
- `load`: single-article POSTs for a while before the strike, on through the outage until the heal;
- `idle`: no traffic for `idle_s` before the strike nor during the outage: the first article after the heal is
  the first thing the system sees since the fault (stale connections, timers of a consumer that reconnected);
- `buffered`: a quiet pipeline, then `BUFFERED_PROBES` single articles, and the strike as soon as the indexer
  holds one of them in a batch it has not written yet (tests/soak/buffered.py); the load then runs until the heal.
After every heal: a trickle of one article every `trickle_every_s` for `trickle_s` (freshness), then up to
`settle_s` for every article of the step to be searchable or dead-lettered.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("redis-kill", "redis-stop", "es-stop", "es-sigstop", "worker-child-kill", "receiver-down")
CONDITIONS = ("load", "idle", "buffered")
# Longest wait at the end for every topic match to be delivered: production's webhook backoff and endpoint pauses
# (WEBHOOK_PAUSE_MAX_S, 30 min) can hold deliveries that long after a receiver comes back; the runs put the
# receiver's outage early so that they are flowing again well before.
TOPIC_SETTLE_S = 300
BUFFERED_PROBES = 3  # single articles sent just before a `buffered` strike: far below INDEX_BATCH_MAX_DOCS (500)


@dataclass(frozen=True)
class Step:
    kind: str
    condition: str
    outage_s: float  # how long the engine is down (es-stop: stopped; its start comes on top); 0 for worker-child-kill

    def __post_init__(self) -> None:
        assert self.kind in KINDS and self.condition in CONDITIONS, self

    def name(self, number: int) -> str:
        return f"{number:02d}-{self.kind}-{self.condition}"


@dataclass(frozen=True)
class Timing:
    baseline_s: float  # a trickle before any fault: the freshness of the healthy system on this machine now
    lead_s: float  # load before a `load` strike
    idle_s: float  # silence before an `idle` strike
    quiet_s: float  # silence before the probes of a `buffered` strike (the pipeline drains)
    load_per_s: float  # single-article POSTs per second around a fault (two clients)
    trickle_every_s: float  # one article every this many seconds after the heal
    trickle_s: float
    settle_s: float  # after the trickle; kept well under VISIBILITY_TIMEOUT_S so a wedge that only redelivery heals fails
    final_settle_s: float  # at the end, for articles still missing: long enough for redelivery and the sweeper (long run)


@dataclass(frozen=True)
class Plan:
    name: str
    timing: Timing
    steps: tuple[Step, ...]
    freshness_gate: bool  # fail the run when a step's post-heal p99 is over FRESHNESS_TARGET_S


FRESHNESS_TARGET_S = 5.0  # p99 of 202 → searchable after the engines answer again

# CI (`--short`, about 6 minutes): each kind once, outages of 30-40 s, both special conditions at least once.
SHORT = Plan(
    "short",
    Timing(
        baseline_s=12,
        lead_s=8,
        idle_s=20,
        quiet_s=4,
        load_per_s=4,
        trickle_every_s=2.5,
        trickle_s=15,
        settle_s=60,
        final_settle_s=30,
    ),
    (
        # First, so that its deliveries (paused by the endpoint's failures) are long flowing again by the final census.
        Step("receiver-down", "load", 60),
        Step("redis-kill", "buffered", 30),
        Step("redis-stop", "idle", 35),
        Step("es-stop", "load", 20),  # + about 15-25 s of start: 35-45 s without Elasticsearch
        Step("es-sigstop", "buffered", 40),
        Step("worker-child-kill", "load", 0),
    ),
    freshness_gate=False,
)

# By hand (`make soak`, about 45 minutes): every kind under every condition, outages of 30-120 s.
_OUTAGES = {
    "redis-kill": (60, 120, 30),
    "redis-stop": (90, 30, 120),
    "es-stop": (30, 90, 60),  # + its start
    "es-sigstop": (120, 60, 90),
    "worker-child-kill": (0, 0, 0),
    "receiver-down": (120, 300, 180),  # a webhook receiver down for minutes
}
LONG = Plan(
    "long",
    Timing(
        baseline_s=60,
        lead_s=20,
        idle_s=90,
        quiet_s=8,
        load_per_s=4,
        trickle_every_s=4,
        trickle_s=60,
        settle_s=120,
        final_settle_s=780,  # VISIBILITY_TIMEOUT_S + the sweeper's 660 s horizon, with room
    ),
    tuple(
        Step(kind, condition, _OUTAGES[kind][i])
        for i, condition in enumerate(CONDITIONS)
        for kind in KINDS
        if not (kind in ("worker-child-kill", "receiver-down") and condition == "buffered")  # not the indexer's buffer
    ),
    freshness_gate=True,
)
