"""celery-batches' `Batches`, acknowledging a batch only once every article of it is settled.

`Batches` gathers task messages in the consumer and runs the task once per batch (`flush_every` messages or
every `flush_interval` seconds), but it acknowledges a late-ack batch whenever the run returns, even after an
exception (its tracer swallows it). Here the run returns True only when each article reached its fate
(written, sent again for a retry, or dead-lettered); otherwise every message of the batch goes back to the
queue at once. Writing is idempotent, so an article written twice is harmless; one never acknowledged is
not possible. A process killed mid-batch acknowledges nothing: Redis redelivers after the visibility timeout.

It also re-arms the flush timer each time the consumer (re)starts. celery-batches 0.11 arms it once, on the
task instance, bound to the event loop of the consumer that existed then; after a broker reconnect Celery
builds a new consumer and calls `Strategy` again, but the old timer never fires and is never replaced, so
the batch that is not full waits forever (clokep/celery-batches#107, fixed upstream by #108, not in a
release yet; pinned to 0.11 in infra/local/constraints.txt). Drop the override once a release carries it.

And it lets a batch wait longer than the flush timer's tick when the task says so (`batch_wait_s`: the indexer with
topics saved, docs/adr/0036): celery-batches writes whatever is buffered at every tick; here a tick leaves a batch
that is neither full nor old enough.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Collection
from typing import Any

from celery import Celery
from celery.worker.consumer import Consumer
from celery.worker.request import Request
from celery_batches import Batches, SimpleRequest
from celery_batches.trace import apply_batches_task

from shared.consumer.progress import HELD

log = logging.getLogger(__name__)


def _requeue(requests: Collection[Request]) -> None:
    for request in requests:
        try:
            request.reject(requeue=True)
        except Exception as exc:  # noqa: BLE001 - Redis gone: the message stays unacknowledged and comes back anyway
            log.warning("message %s not requeued (%r); Redis redelivers it after the visibility timeout", request.id, exc)


class SettledBatches(Batches):
    """A `Batches` task whose run must return True for its batch to be acknowledged."""

    _oldest: float | None  # when the oldest message buffered now arrived (monotonic)

    def Strategy(self, task: Batches, app: Celery, consumer: Consumer) -> Callable[..., None]:
        # Called on every consumer (re)start: forget the timer of the previous consumer's event loop, so the
        # next message arms one on this consumer's (see the module docstring). Buffered requests stay buffered
        # and are flushed by the new timer.
        stale: Any = getattr(self, "_tref", None)
        if stale is not None:
            with contextlib.suppress(Exception):  # the old loop may already be gone; the timer is dead either way
                stale.cancel()
            self._tref = None
        buffer_message = super().Strategy(task, app, consumer)

        def on_message(message: Any, *args: Any, **kwargs: Any) -> None:
            if self._oldest is None:
                self._oldest = time.monotonic()
            buffer_message(message, *args, **kwargs)
            if (message.headers or {}).get("eta"):
                self._prefetch_for_countdown(consumer, message.headers.get("id"))

        return on_message

    def _prefetch_for_countdown(self, consumer: Consumer, task_id: str | None) -> None:
        # A retry waits out its countdown inside this process, unacknowledged. Celery's own strategy raises the
        # prefetch limit for each such message (and lowers it when it runs); celery-batches does not, so after an
        # Elasticsearch outage retries filled the prefetch and new articles waited behind their countdowns.
        qos = consumer.qos
        if qos is not None and task_id:
            qos.increment_eventually()
            self._raised.setdefault(task_id, qos)

    def _lower_prefetch(self, requests: Collection[Request]) -> None:
        for request in requests:
            qos = self._raised.pop(request.id, None)
            if qos is not None:
                qos.decrement_eventually()

    def __init__(self) -> None:
        super().__init__()
        self._raised: dict[str, Any] = {}  # task id -> the consumer QoS raised for its countdown
        self._oldest = None

    def batch_wait_s(self) -> float:
        """The longest a message may wait for its batch to fill now; the task's module may say longer than the flush
        timer's tick (`flush_interval`), as the indexer does with topics saved."""
        return float(self.flush_interval)

    def _do_flush(self) -> None:
        # The flush timer ticks every `flush_interval`; a tick leaves a batch that is neither full nor has waited its
        # longer wait (a message is written at most `batch_wait_s` after it arrived: a tick comes within one more tick).
        held = holds(self._oldest, self._buffer.qsize(), self.flush_every, self.batch_wait_s(), float(self.flush_interval))
        if not held:
            self._oldest = None
            super()._do_flush()

    def flush(self, requests: Collection[Request]) -> Any:
        requests = list(requests)
        self._lower_prefetch(requests)
        simple = ([SimpleRequest.from_request(r) for r in requests],)
        ids = [r.id for r in requests]

        def on_return(result: Any) -> None:
            HELD.release(ids)  # shared/consumer/progress.py: this process no longer holds them
            if result is True:
                for request in requests:
                    request.acknowledge()
            else:
                log.warning("batch of %d not settled; requeued", len(requests))
                _requeue(requests)

        def on_error(exc: Any) -> None:
            HELD.release(ids)
            log.warning("batch of %d failed (%r); requeued", len(requests), exc)
            _requeue(requests)

        return self._pool.apply_async(apply_batches_task, (self, simple, 0, None), callback=on_return, error_callback=on_error)


def holds(oldest: float | None, buffered: int, full: int, wait_s: float, tick_s: float, now: float | None = None) -> bool:
    """Whether a flush should leave the buffer as it is: a wait longer than the tick, a batch not full, and its oldest
    message younger than the wait less one tick (the next tick then still comes within the wait)."""
    if oldest is None or wait_s <= tick_s or buffered >= full:
        return False
    return (time.monotonic() if now is None else now) - oldest < wait_s - tick_s
