"""Ends a wedged worker or indexer so that its supervisor starts a fresh one.

A wedge (messages held and none finished for STALL_AFTER_S while Redis and Elasticsearch both answer; see
shared/consumer/health.py) that lasts WATCHDOG_RESTART_AFTER_S is one no retry inside the process will
cure. The watchdog asks for Celery's warm shutdown (SIGTERM: the messages it holds go back to the queue at
once) and, if that does not finish within WATCHDOG_EXIT_GRACE_S, exits hard: Redis then redelivers after
the visibility timeout. Whoever started the process restarts it: compose's `restart:` policy, or the
supervisor loop of `make up` (infra/local/services.sh). An engine outage never triggers it.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from shared.settings import Settings

log = logging.getLogger(__name__)
EXIT_STATUS = 70  # EX_SOFTWARE: the process ended itself; its supervisor's log says why


def watch(
    settings: Settings,
    judge: Callable[[], dict[str, Any]],
    stop: threading.Event,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Check every few seconds; act once the process has not been live for WATCHDOG_RESTART_AFTER_S."""
    limit = settings.watchdog_restart_after_s
    if limit <= 0:
        return
    dead_since: float | None = None
    while not stop.wait(min(5.0, limit / 4)):
        verdict = judge()
        if verdict["live"]:
            dead_since = None
            continue
        dead_since = clock() if dead_since is None else dead_since
        if clock() - dead_since >= limit:
            restart(settings, verdict)
            return


def restart(settings: Settings, verdict: dict[str, Any]) -> None:
    log.error("watchdog: no progress while Redis and Elasticsearch answer (%s); shutting down to be restarted", verdict)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(settings.watchdog_exit_grace_s)
    log.error("watchdog: warm shutdown did not finish in %.0fs; exiting", settings.watchdog_exit_grace_s)
    os._exit(EXIT_STATUS)


def start(settings: Settings, judge: Callable[[], dict[str, Any]], stop: threading.Event) -> None:
    threading.Thread(target=watch, args=(settings, judge, stop), name="watchdog", daemon=True).start()
