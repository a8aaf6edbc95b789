"""The batching consumer acknowledges a batch only when its run says every article is settled."""

from __future__ import annotations

from typing import Any

from services.indexer.consumer import SettledBatches


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
