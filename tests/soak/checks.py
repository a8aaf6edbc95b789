"""End-of-run checks on the long-lived processes: still the first ones, the sweeper still swept after the last
Redis outage (beat and the worker reconnected), and how many error lines each log holds (reported only)."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.soak.logs import error_lines, sweeps_since
from tests.soak.stack import Stack


def sweeper_check(stack: Stack, last_redis_heal: datetime | None, now: datetime) -> tuple[bool, str]:
    if last_redis_heal is None:
        return True, "sweeper: no Redis fault in this run"
    interval = float(stack.env["SWEEP_INTERVAL_S"])
    count = sweeps_since(stack.logs / "worker.log", last_redis_heal)
    due = now - last_redis_heal > timedelta(seconds=2 * interval + 15)
    ok = count > 0 or not due
    note = "" if due else " (too soon after it to require one)"
    note += "" if ok else " FAILED: beat or the worker stopped sweeping"
    return ok, f"sweeper: {count} in-flight sweep(s) since the last Redis heal{note}"


def services_check(stack: Stack) -> tuple[bool, str]:
    down = stack.dead_or_replaced()
    pids = " ".join(f"{name}={pid}" for name, pid in stack.pids.items())
    return not down, f"services: {pids} " + (f"FAILED: gone or replaced: {down}" if down else "all alive, never restarted")


def errors(stack: Stack) -> str:
    counts = error_lines(stack.logs)
    return "error lines in the logs (reported, not failed on): " + " ".join(f"{k}={v}" for k, v in counts.items())
