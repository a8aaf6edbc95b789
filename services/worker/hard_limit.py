"""A hard time limit reaches the task's `on_failure`, as it does from Celery 5.7 on.

When a task passes its hard time limit, Celery kills the pool process and acknowledges the message. Celery
5.7 then calls the task's `on_failure` (where `ArticleTask` sends the article again, or dead-letters it as
poison); Celery 5.6, which celery-batches (the indexer) still requires, does not, so the article was
acknowledged and forgotten: a `202` not kept (chaos scenario 9 found it). This request class calls
`on_failure` first, and only then lets Celery acknowledge; if `on_failure` itself fails (Redis down), the
message goes back to the queue instead.
"""

from __future__ import annotations

import logging

import celery
from celery.exceptions import TimeLimitExceeded
from celery.worker import state
from celery.worker.request import Request

log = logging.getLogger(__name__)

CELERY_CALLS_ON_FAILURE = celery.VERSION >= (5, 7)


class HardLimitRequest(Request):
    def on_timeout(self, soft: bool, timeout: float) -> None:
        if soft or CELERY_CALLS_ON_FAILURE or state.should_terminate:
            super().on_timeout(soft, timeout)
            return
        try:
            self.task.on_failure(TimeLimitExceeded(timeout), self.id, self.args, self.kwargs, None)
        except Exception:
            log.exception("task %s past its hard time limit could not be handled; its message goes back", self.id)
            state.task_ready(self)
            self.reject(requeue=True)
            return
        super().on_timeout(soft, timeout)
