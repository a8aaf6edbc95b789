"""`make soak`: one long-lived system, every fault in turn; a line per fault, results under test-output/soak/.

    python -m tests.soak            the long run (about 45 minutes, outages of 30-120 s); freshness gated
    python -m tests.soak --short    CI (about 6 minutes, outages of 30-40 s, each fault kind once); freshness reported
    --freshness-gate / --no-freshness-gate   fail (or not) when a fault's post-heal p99 is over 5 s

Fails when a step's articles are not all searchable or dead-lettered within its settle window, when the census
finds a duplicate or a stale document, when a service's process died or was replaced, or when the sweeper
stopped; and, with the gate, on slow freshness. docs/soak.md.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import traceback
import uuid
from datetime import UTC, datetime
from pathlib import Path

from tests.chaos.census import Accepted
from tests.soak import checks
from tests.soak.accounting import run_census, settle
from tests.soak.episode import Run, baseline, run_step
from tests.soak.freshness import Watcher
from tests.soak.plan import FRESHNESS_TARGET_S, LONG, SHORT, TOPIC_SETTLE_S, Plan
from tests.soak.report import StepResult, write
from tests.soak.stack import OUTPUT, ROOT, Engines, Stack, only_run
from tests.soak.whereabouts import whereabouts


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.soak", description=__doc__.split("\n")[0])
    parser.add_argument("--short", action="store_true", help="the CI run: each fault kind once, about 6 minutes")
    gate = argparse.BooleanOptionalAction
    parser.add_argument("--freshness-gate", action=gate, default=None, help="default: on in the long run only")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a setting other than production's")
    return parser.parse_args(argv)


def load() -> str:
    return "/".join(f"{v:.1f}" for v in os.getloadavg())


def code() -> str:
    """The commit measured, and the files of the services that differ from it (a shared working tree)."""
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run([*git, "status", "--porcelain", "--", "services", "shared"], capture_output=True, text=True)
    changed = [line[3:] for line in dirty.stdout.splitlines()]
    listed = ", ".join(changed[:6]) + (f" and {len(changed) - 6} more" if len(changed) > 6 else "")
    return f"code {head}" + (f" + uncommitted changes in {listed}" if changed else "")


def final_lines(run: Run, results: list[StepResult], gate: bool, started: float) -> tuple[bool, list[str]]:
    """The whole run's census (waiting longer only when a step left articles behind) and the end checks."""
    behind = any(r.census is None or not r.census.settled for r in results) and not run.stack.dead_or_replaced()
    final = settle(lambda: run_census(run.stack, run.accepted), run.timing.final_settle_s if behind else 10)
    census = final.census
    counts = f"accepted={census.accepted} {census.line()}" if census else "census=none"
    lines = [f"final {counts} waited_s={final.after_s:.0f}"]
    ok = census is not None and census.held
    if census and census.missing_ids:
        where = whereabouts(run.stack.redis, run.stack.settings, census.missing_ids)
        lines += [f"    missing {i}: {place}" for i, place in sorted(where.items())]
    ok &= topics_line(run, lines)
    redis_heals = [datetime.fromisoformat(r.healed_at) for r in results if r.kind.startswith("redis-")]
    for passed, line in (
        checks.services_check(run.stack),
        checks.sweeper_check(run.stack, max(redis_heals, default=None), datetime.now(UTC)),
    ):
        ok &= passed
        lines.append(line)
    lines.append(checks.errors(run.stack))
    faults = [r for r in results if r.kind != "none"]
    held = sum(r.held for r in faults)
    fresh = sum(r.fresh_ok for r in faults)
    ok &= held == len(faults) and (fresh == len(faults) or not gate)
    verdict = "PASSED" if ok else "FAILED"
    lines.append(
        f"soak: {held}/{len(faults)} faults held, post-heal p99 <= {FRESHNESS_TARGET_S:g} s in {fresh}/{len(faults)} "
        f"(freshness gate {'on' if gate else 'off'}); {time.monotonic() - started:.0f} s, load {load()}: {verdict}"
    )
    return ok, lines


def topics_line(run: Run, lines: list[str]) -> bool:
    """The topic census of the whole run on the same long-lived processes: each story a topic's search finds has one
    event, each event's webhook arrived (signed, redelivered only under its own id); waits for the deliveries still
    paused or backing off after the receiver came back."""
    final = settle(run.stack.topic_census, TOPIC_SETTLE_S)
    topics = final.census
    lines.append(f"topics {topics.line() if topics else 'topic_census=none'} waited_s={final.after_s:.0f}")
    if topics and not topics.held:
        lines.append(f"    topics FAILED: {topics.examples()}")
    return topics is not None and topics.held


def headline(plan: Plan, folder: Path, stack: Stack, overrides: dict[str, str]) -> list[str]:
    """When, on what machine load, which code and which settings: the first lines of the output and results.txt."""
    lines = [f"soak {plan.name} {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load {load()} on {os.cpu_count()} cores, logs {folder}"]
    lines.append(code())
    lines.append("settings: " + " ".join(f"{k}={v}" for k, v in sorted(stack.extra_env.items())))
    if overrides:
        lines.append("NOT production settings (--set): " + " ".join(f"{k}={v}" for k, v in sorted(overrides.items())))
    return lines


def title(header: list[str], state: str) -> str:
    return f"{header[0].split(', logs')[0]}: post-heal freshness per fault ({state})"


def run_steps(run: Run, plan: Plan, folder: Path, header: list[str], results: list[StepResult]) -> list[str]:
    """The baseline, then every fault in turn; results.txt rewritten after each. Stops when a service is gone."""
    for number, step in enumerate((None, *plan.steps)):
        results.append(baseline(run) if step is None else run_step(run, step, number))
        print("\n".join(results[-1].lines()), flush=True)
        write(folder, header, results, ["(run under way)"], {"title": title(header, "under way")})
        if results[-1].services_down:
            gone = results[-1].services_down
            return [f"stopped after {results[-1].name}: {gone} gone, the next faults would measure nothing"]
    return []


def soak(plan: Plan, gate: bool, overrides: dict[str, str] | None = None) -> int:
    started = time.monotonic()
    namespace = f"soak-{plan.name}-{datetime.now(UTC):%Y%m%d-%H%M}-{uuid.uuid4().hex[:4]}"
    folder = OUTPUT / namespace
    engines = Engines.of(folder)
    stack = Stack.create(engines, namespace, overrides or {})
    header = headline(plan, folder, stack, overrides or {})
    print("\n".join(header), flush=True)
    results: list[StepResult] = []
    footer: list[str] = []
    ok = False
    watcher = Watcher("")
    try:
        engines.start()
        stack.start_all()
        watcher = Watcher(stack.search_url).start()
        run = Run(stack, engines, watcher, plan.timing, Accepted())
        footer = run_steps(run, plan, folder, header, results)
        ok, lines = final_lines(run, results, gate, started)
        footer += lines
    except (Exception, KeyboardInterrupt):  # noqa: BLE001 - report what was measured, then stop everything
        footer += ["FAILED: the run itself crashed or was interrupted", traceback.format_exc()]
    finally:
        watcher.stop()
        stack.stop()
        engines.stop(folder)
    print("\n".join(footer), flush=True)
    extra = {"title": title(header, "PASSED" if ok else "FAILED"), "plan": plan.name, "freshness_gate": gate, "passed": ok}
    write(folder, header, results, footer, extra)
    print(f"results: {folder}/results.txt, results.json, freshness.png", flush=True)
    return 0 if ok else 1


def interrupted(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main(argv: list[str]) -> int:
    # SIGTERM, or SIGINT even when started in the background (where the shell ignores it): stop every process
    # and engine the run started, and write what was measured.
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    args = arguments(argv)
    plan = SHORT if args.short else LONG
    overrides = dict(setting.split("=", 1) for setting in args.set)
    with only_run():
        return soak(plan, plan.freshness_gate if args.freshness_gate is None else args.freshness_gate, overrides)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
