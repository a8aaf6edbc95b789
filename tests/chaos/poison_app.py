"""A worker whose normalizer meets poison articles, for scenario 9: `celery -A tests.chaos.poison_app worker`.

The production task runs unchanged; only `normalize` is wrapped, before the pool forks, so that an article
whose title carries a marker raises, kills its worker process, or hangs (soft- or hard-limit only)."""

from __future__ import annotations

import os
import signal
import time
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded

from services.worker import sweeper, tasks  # sweeper: beat's in-flight sweeps are consumed here too
from shared.articles.model import NormalizedArticle

real_normalize = tasks.normalize


def poisoned_normalize(payload: dict[str, Any]) -> NormalizedArticle:
    title = str((payload.get("article") or {}).get("title") or "")
    if "POISON-RAISE" in title:
        raise ValueError("this article breaks the parser")
    if "POISON-CRASH" in title:
        os.kill(os.getpid(), signal.SIGKILL)  # like the kernel's OOM killer, or a segfault in a C extension
    if "POISON-HANG" in title:
        time.sleep(3600)  # the soft time limit interrupts this
    if "POISON-HARDHANG" in title:
        while True:  # ignores the soft limit, like a regex stuck in C: only the hard limit ends it
            try:
                time.sleep(3600)
            except SoftTimeLimitExceeded:
                continue
    return real_normalize(payload)


tasks.normalize = poisoned_normalize
app = tasks.app
__all__ = ["app", "sweeper"]
