"""The batching consumer acknowledges a batch only when its run says every article is settled, and lets a batch wait
longer than the flush timer's tick when the task says so."""

from __future__ import annotations

from typing import Any

from celery_batches import Batches

from services.indexer.consumer import SettledBatches, holds


class FakeRequest:
    def __init__(self, n: int, broken_redis: bool = False) -> None:
        self.id, self.broken_redis = f"m{n}", broken_redis
        self._payload = ([{"n": n}], {}, {})  # args, kwargs, embed: what celery's Request keeps
        self.acked = self.requeued = False
        self.delivery_info = self.hostname = self.reply_to = self.correlation_id = self.chord = None
        self.name, self.ignore_result, self.request_dict = "news.index_articles", True, {}

    def acknowledge(self) -> None:
        self.acked = True

    def reject(self, requeue: bool = False) -> None:
        if self.broken_redis:
            raise ConnectionError("Redis is gone")
        self.requeued = requeue


class FakePool:
    """Runs nothing: keeps the callbacks so the test plays the pool's answer."""

    def apply_async(self, target: Any, args: Any, callback: Any, error_callback: Any, **_: Any) -> None:
        self.callback, self.error_callback, self.args = callback, error_callback, args


def flushed(requests: list[FakeRequest]) -> FakePool:
    task = SettledBatches()
    task._pool = FakePool()
    task.flush(requests)  # type: ignore[arg-type]
    return task._pool


def test_a_settled_batch_is_acknowledged() -> None:
    requests = [FakeRequest(n) for n in range(3)]
    pool = flushed(requests)
    assert [r.id for r in pool.args[1][0]] == ["m0", "m1", "m2"]  # the run receives every request of the batch
    pool.callback(True)
    assert all(r.acked and not r.requeued for r in requests)


def test_a_batch_whose_run_failed_goes_back_to_the_queue() -> None:
    for play in (lambda p: p.callback(None), lambda p: p.error_callback(RuntimeError("child died"))):
        requests = [FakeRequest(n) for n in range(3)]
        play(flushed(requests))
        assert all(r.requeued and not r.acked for r in requests)


def test_requeueing_without_redis_leaves_the_messages_for_redelivery() -> None:
    requests = [FakeRequest(n, broken_redis=True) for n in range(2)]
    flushed(requests).callback(None)  # does not raise: Redis redelivers after the visibility timeout
    assert not any(r.acked or r.requeued for r in requests)


def test_a_tick_leaves_a_batch_that_is_neither_full_nor_old_enough() -> None:
    """With topics the indexer's batch may wait 0.5 s on a 0.2 s tick (ADR 0036): a tick writes it only once its oldest
    message has waited 0.3 s (the next tick would come after 0.5 s), or when it is full."""
    assert holds(oldest=10.0, buffered=3, full=25, wait_s=0.5, tick_s=0.2, now=10.25)
    assert not holds(oldest=10.0, buffered=3, full=25, wait_s=0.5, tick_s=0.2, now=10.3)
    assert not holds(oldest=10.0, buffered=25, full=25, wait_s=0.5, tick_s=0.2, now=10.01)  # full: written at once
    assert not holds(oldest=10.0, buffered=3, full=25, wait_s=0.2, tick_s=0.2, now=10.01)  # no topics: every tick writes
    assert not holds(oldest=None, buffered=0, full=25, wait_s=0.5, tick_s=0.2, now=10.0)  # nothing buffered


def test_a_held_tick_writes_nothing_and_the_next_writes_all(monkeypatch: Any) -> None:
    task = SettledBatches()
    task.flush_interval, task.flush_every = 0.2, 25
    task.batch_wait_s = lambda: 0.5  # type: ignore[method-assign]
    written: list[int] = []
    monkeypatch.setattr(Batches, "_do_flush", lambda self: written.append(self._buffer.qsize()))
    clock = iter([10.1, 10.35])
    monkeypatch.setattr("services.indexer.consumer.time.monotonic", lambda: next(clock))
    task._oldest = 10.0
    for n in range(3):
        task._buffer.put(n)
    task._do_flush()  # at 10.1: 0.1 s old
    assert written == [] and task._oldest == 10.0
    task._do_flush()  # at 10.35: 0.35 s old
    assert written == [3] and task._oldest is None
