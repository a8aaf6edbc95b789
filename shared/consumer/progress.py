"""Is this worker or indexer making progress? The age of the oldest message it holds unacknowledged.

A consumer that holds messages and finishes none is wedged, whatever its heartbeat says: the heartbeat thread
and the HTTP port live on while the consumer sits idle (the celery-batches flush timer lost on a broker
reconnect did exactly that). So the main process remembers when it took each message it still holds, and the
oldest one's age is what readiness, liveness, the metrics and the watchdog read. A message whose countdown
(a retry's ETA) has not elapsed is not late: its age counts from its ETA.

The worker's prefork pool finishes messages in other processes, so its held set is reconciled against
Celery's own `reserved_requests` when read; the indexer's batching consumer reserves nothing there and
releases its messages itself once a batch is settled (services/indexer/consumer.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector


@dataclass(frozen=True)
class Progress:
    held: int  # messages held unacknowledged (running, buffered, or waiting for their countdown)
    oldest_age_s: float  # how long the oldest of them has been due; 0 when none is held
    since_done_s: float | None  # since a held message was last finished; None before the first

    def stalled(self, after_s: float) -> bool:
        return self.held > 0 and self.oldest_age_s > after_s


def due_at(received: float, eta: Any) -> float:
    """When a message is due: when it was taken, or its retry countdown's end if that is later."""
    if isinstance(eta, str):
        try:
            eta = datetime.fromisoformat(eta)
        except ValueError:
            return received
    if isinstance(eta, datetime):
        return max(received, eta.timestamp())
    return received


class HeldMessages:
    """Messages this process holds, by task id, with the time each became due (thread-safe)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._due: dict[str, float] = {}
        self._done_at: float | None = None

    def hold(self, task_id: str, eta: Any = None) -> None:
        with self._lock:
            self._due.setdefault(task_id, due_at(self._clock(), eta))

    def release(self, task_ids: Collection[str]) -> None:
        with self._lock:
            released = [task_id for task_id in task_ids if self._due.pop(task_id, None) is not None]
            if released:
                self._done_at = self._clock()

    def reconcile(self, still_held: Collection[str]) -> None:
        """Forget what the process no longer holds (finished in a pool child); that counts as progress."""
        with self._lock:
            gone = [task_id for task_id in self._due if task_id not in still_held]
        self.release(gone)

    def progress(self) -> Progress:
        now = self._clock()
        with self._lock:
            oldest = min(self._due.values(), default=None)
            done_at = self._done_at
            held = len(self._due)
        return Progress(
            held=held,
            oldest_age_s=max(0.0, now - oldest) if oldest is not None else 0.0,
            since_done_s=now - done_at if done_at is not None else None,
        )


class ProgressCollector(Collector):
    """`newsroom_consumer_held_messages` and `newsroom_consumer_oldest_held_age_seconds` for this process."""

    def __init__(self, role: str, read: Callable[[], Progress]) -> None:
        self.role, self.read = role, read

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = self.read()
        held = GaugeMetricFamily(
            "newsroom_consumer_held_messages",
            "Messages this worker or indexer holds unacknowledged (running, buffered, or waiting for a countdown).",
            labels=["role"],
        )
        held.add_metric([self.role], now.held)
        oldest = GaugeMetricFamily(
            "newsroom_consumer_oldest_held_age_seconds",
            "How long the oldest message this worker or indexer holds has been due without being finished (0: none held).",
            labels=["role"],
        )
        oldest.add_metric([self.role], now.oldest_age_s)
        yield held
        yield oldest


HELD = HeldMessages()  # this process's: filled by the task_received signal (shared/consumer/metrics.py)
