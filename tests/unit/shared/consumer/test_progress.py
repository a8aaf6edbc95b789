"""Progress of a consumer: the oldest held message's age, what health makes of it, and the watchdog's choice."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from shared.consumer import watchdog
from shared.consumer.health import Health
from shared.consumer.progress import HeldMessages, Progress
from shared.observability.queue_metrics import DependencyCollector
from shared.settings import Settings


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_the_oldest_held_message_ages_until_it_is_released() -> None:
    clock = Clock()
    held = HeldMessages(clock)
    held.hold("a")
    clock.now += 10
    held.hold("b")
    clock.now += 5
    assert held.progress() == Progress(held=2, oldest_age_s=15.0, since_done_s=None)
    held.release(["a"])
    assert held.progress() == Progress(held=1, oldest_age_s=5.0, since_done_s=0.0)
    held.reconcile(still_held=set())  # finished in a pool child
    assert held.progress().held == 0 and held.progress().oldest_age_s == 0.0


def test_a_batch_releases_every_message_it_finished() -> None:
    held = HeldMessages(Clock())
    for task_id in ("a", "b", "c"):
        held.hold(task_id)
    held.release(["a", "b", "c"])
    assert held.progress().held == 0


def test_a_message_waiting_for_its_countdown_is_not_late() -> None:
    clock = Clock()
    held = HeldMessages(clock)
    eta = datetime.fromtimestamp(clock.now + 60, UTC)
    held.hold("retry", eta.isoformat())
    clock.now += 30
    assert held.progress().oldest_age_s == 0.0
    clock.now += 45
    assert held.progress().oldest_age_s == 15.0


def test_redelivery_of_a_held_message_keeps_its_first_time() -> None:
    clock = Clock()
    held = HeldMessages(clock)
    held.hold("a")
    clock.now += 20
    held.hold("a")
    assert held.progress().oldest_age_s == 20.0


class FakeRedis:
    def exists(self, key: str) -> int:
        return 1


def health(progress: Progress, redis_up: bool = True, es_up: bool = True) -> Health:
    checks = DependencyCollector({"redis": lambda: redis_up, "elasticsearch": lambda: es_up})
    return Health(Settings(stall_after_s=60), "indexer", "indexer@host", checks, FakeRedis(), lambda: progress)  # type: ignore[arg-type]


def test_holding_work_without_progress_is_not_ready_and_with_engines_up_not_live() -> None:
    wedged = health(Progress(held=3, oldest_age_s=61, since_done_s=200)).judge()
    assert (wedged["ready"], wedged["live"]) == (False, False)
    assert wedged["checks"]["progress"].startswith("stalled")


def test_a_stuck_message_while_others_are_finished_is_a_stall_not_a_wedge() -> None:
    busy = health(Progress(held=40, oldest_age_s=300, since_done_s=0.5)).judge()
    assert (busy["ready"], busy["live"]) == (False, True)


def test_an_engine_outage_is_not_a_wedge() -> None:
    waiting = health(Progress(held=3, oldest_age_s=500, since_done_s=500), es_up=False).judge()
    assert (waiting["ready"], waiting["live"]) == (False, True)


def test_idle_or_busy_but_moving_is_ready() -> None:
    for progress in (Progress(0, 0.0, None), Progress(40, 59.0, 0.1)):
        verdict = health(progress).judge()
        assert (verdict["ready"], verdict["live"]) == (True, True)


class NoWait(threading.Event):
    def wait(self, timeout: float | None = None) -> bool:
        return False


def test_the_watchdog_restarts_only_after_the_wedge_lasted(monkeypatch: Any) -> None:
    restarted: list[float] = []
    clock = Clock()
    monkeypatch.setattr(watchdog, "restart", lambda settings, verdict: restarted.append(clock.now))
    readings = iter([False, True, False, False, False, False])

    def judge() -> dict[str, Any]:
        clock.now += 10  # one reading every 10 s
        return {"live": next(readings)}

    watchdog.watch(Settings(watchdog_restart_after_s=25), judge, NoWait(), clock)
    assert restarted == [1_060.0]  # the live reading at 1020 started the count again: not live from 1030 to 1060


def test_no_watchdog_when_switched_off() -> None:
    watchdog.watch(Settings(watchdog_restart_after_s=0), lambda: {"live": False}, threading.Event())
