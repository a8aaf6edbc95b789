"""A soak run's results: a line per step, results.txt and results.json, and freshness.png (matplotlib, no display)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from tests.chaos.census import Census
from tests.soak.freshness import Probe, percentile
from tests.soak.plan import FRESHNESS_TARGET_S


def seconds(value: float) -> str:
    return f"{value:.1f}" if math.isfinite(value) else "never"


@dataclass
class StepResult:
    name: str
    kind: str
    condition: str
    struck_at: str  # wall clock, UTC: where to start reading the logs
    healed_at: str
    outage_s: float  # strike → the engine answers again
    census: Census | None
    settle_s: float  # heal → the census found every article of the step accounted for (taken after the trickle; inf: never)
    backlog_s: float  # heal → the last article sent before the heal first written (the indexer's log)
    probes: list[Probe]  # the post-heal trickle
    first_s: float  # heal → the first article sent after it is searchable
    buffered: str  # `buffered` steps: probes not yet written when the fault struck, of those sent
    refusals: dict[str, int]
    sent: int
    services_down: list[str] = field(default_factory=list)
    where: dict[str, str] = field(default_factory=dict)  # each missing article: where it sits in Redis
    holding: str = ""  # messages the worker and indexer say they hold once the step settled, and the oldest one's age

    @property
    def fresh(self) -> list[float]:
        return [p.fresh_s for p in self.probes]

    @property
    def p50(self) -> float:
        return percentile(self.fresh, 50)

    @property
    def p99(self) -> float:
        return percentile(self.fresh, 99)

    @property
    def fresh_ok(self) -> bool:
        return bool(self.probes) and self.p99 <= FRESHNESS_TARGET_S

    @property
    def held(self) -> bool:
        """No loss within the window, no duplicate, nothing stale, every service still its first process."""
        return self.census is not None and self.census.held and self.census.accepted > 0 and not self.services_down

    def line(self) -> str:
        census = self.census.line() if self.census else "census=none"
        accepted = self.census.accepted if self.census else 0
        parts = [
            f"{self.name} outage_s={self.outage_s:.1f} sent={self.sent} accepted={accepted} {census}",
            f"backlog_s={seconds(self.backlog_s)} first_s={seconds(self.first_s)}",
            f"fresh_p50_s={seconds(self.p50)} fresh_p99_s={seconds(self.p99)} n={len(self.probes)}",
            f"fresh={'ok' if self.fresh_ok else 'SLOW'}",
        ]
        notes = [f"buffered={self.buffered}"] if self.buffered else []
        notes += [f"holding={self.holding}"] if self.holding else []
        notes += [f"refused={self.refusals}"] if self.refusals else []
        notes += [f"SERVICES DOWN/REPLACED: {self.services_down}"] if self.services_down else []
        notes += [f"FAILED: {self.census.examples()}"] if self.census and not self.census.held else []
        return " ".join(parts) + (f"  # {' '.join(notes)}" if notes else "")

    def lines(self) -> list[str]:
        """The line, then one per missing article saying where it sits."""
        return [self.line(), *(f"    missing {i}: {place}" for i, place in sorted(self.where.items()))]

    def as_json(self) -> dict[str, Any]:
        census = self.census
        return {
            "name": self.name,
            "kind": self.kind,
            "condition": self.condition,
            "struck_at": self.struck_at,
            "healed_at": self.healed_at,
            "outage_s": round(self.outage_s, 2),
            "sent": self.sent,
            "census": census.line() if census else None,
            "missing": self.where,
            "held": self.held,
            "settle_s": _num(self.settle_s),
            "backlog_s": _num(self.backlog_s),
            "first_s": _num(self.first_s),
            "fresh_s": [_num(v) for v in self.fresh],
            "fresh_p50_s": _num(self.p50),
            "fresh_p99_s": _num(self.p99),
            "fresh_ok": self.fresh_ok,
            "buffered": self.buffered,
            "refusals": self.refusals,
            "services_down": self.services_down,
            "holding": self.holding,
        }


def _num(value: float) -> float | None:
    return round(value, 3) if math.isfinite(value) else None


def write(folder: Path, header: list[str], results: list[StepResult], footer: list[str], extra: dict[str, Any]) -> None:
    lines = [*header, *(line for r in results for line in r.lines()), *footer]
    (folder / "results.txt").write_text("\n".join(lines) + "\n")
    (folder / "results.json").write_text(json.dumps({**extra, "steps": [r.as_json() for r in results]}, indent=2) + "\n")
    picture(folder / "freshness.png", results, extra.get("title", "soak"))


def picture(path: Path, results: list[StepResult], title: str) -> None:
    """Per step: each trickle article's 202 → searchable (dots), the first article after the heal measured from
    the heal (cross), and the 5 s target; never-searchable ones drawn at the top edge in red."""
    fig, ax = plt.subplots(figsize=(max(8.0, 0.75 * len(results) + 3), 5.5))
    finite = [v for r in results for v in [*r.fresh, r.first_s] if math.isfinite(v)]
    top = max([FRESHNESS_TARGET_S * 2, *finite]) * 1.3
    for x, result in enumerate(results):
        fresh = result.fresh
        jitter = [x + 0.12 * ((i % 5) - 2) / 2 for i in range(len(fresh))]
        ax.scatter(jitter, [v if math.isfinite(v) else top for v in fresh], s=16, color="tab:blue", alpha=0.7, zorder=3)
        lost = [j for j, v in zip(jitter, fresh, strict=True) if not math.isfinite(v)]
        ax.scatter(lost, [top] * len(lost), s=30, color="tab:red", marker="^", zorder=4)
        first = result.first_s if math.isfinite(result.first_s) else top
        ax.scatter([x + 0.3], [first], s=50, marker="x", color="tab:red" if first > FRESHNESS_TARGET_S else "black", zorder=4)
        if result.probes:
            ax.hlines(result.p99, x - 0.3, x + 0.3, color="tab:orange", linewidth=2, zorder=2)
    ax.axhline(FRESHNESS_TARGET_S, color="tab:green", linestyle="--", linewidth=1, label=f"target p99 {FRESHNESS_TARGET_S:g} s")
    ax.scatter([], [], s=16, color="tab:blue", label="trickle article: 202 → searchable")
    ax.hlines([], 0, 0, color="tab:orange", linewidth=2, label="p99 of the step's trickle")
    ax.scatter([], [], s=50, marker="x", color="black", label="first article after the heal: heal → searchable")
    ax.set_yscale("log")
    ax.set_ylim(0.3, top * 1.2)
    labels = [f"{r.name}\n{r.outage_s:.0f} s out" if r.outage_s >= 1 else r.name for r in results]
    ax.set_xticks(range(len(results)), labels, rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("seconds (log scale)")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="upper left")
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
