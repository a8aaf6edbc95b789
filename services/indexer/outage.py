"""Riding out an Elasticsearch outage inside a batch, instead of spending the articles' retries on it.

A bulk request that fails because Elasticsearch cannot be reached says nothing about the articles. Counting
it as one of their attempts, with a retry countdown, dead-lettered every article of a two-minute outage and,
after a shorter one, left the articles waiting out countdowns of up to RETRY_BACKOFF_MAX_S after the engine
was back. So the batch waits for the engine instead, asking it every INDEX_PROBE_INTERVAL_S, and is written
as soon as it answers. After INDEX_OUTAGE_HOLD_S the batch goes back to the queue uncounted (Redis keeps it
safer than a process does) and the next batch waits in its place. A failure while the engine answers is the
articles' own: their bounded retries apply as before (services/indexer/batch.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class EngineUnavailable(Exception):
    """Elasticsearch did not answer within the hold: the batch goes back to the queue, no attempt counted."""


def wait_for_engine(
    reachable: Callable[[], bool],
    until: float,
    interval_s: float,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """True as soon as the engine answers, False if it has not by `until` (a `clock` reading)."""
    while True:
        if reachable():
            return True
        if clock() + interval_s > until:
            return False
        sleep(interval_s)
