"""Waiting for an unreachable engine: as soon as it answers, never past the hold."""

from __future__ import annotations

from services.indexer.outage import wait_for_engine


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_the_wait_ends_when_the_engine_answers() -> None:
    clock = Clock()
    answers = iter([False, False, True])
    assert wait_for_engine(lambda: next(answers), until=60, interval_s=1, clock=clock, sleep=clock.sleep)
    assert clock.now == 2


def test_the_wait_gives_up_at_the_hold() -> None:
    clock = Clock()
    assert not wait_for_engine(lambda: False, until=10, interval_s=3, clock=clock, sleep=clock.sleep)
    assert clock.now <= 10
