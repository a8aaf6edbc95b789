"""An indexer that dies between its bulk write and its topic matching, for scenario 12:
`celery -A tests.chaos.kill_indexer_app worker`.

The production task runs unchanged; only `TopicStep.run` is wrapped, before the worker starts its threads: on its
CHAOS_KILL_AT_BATCH-th call (3) with a non-empty batch, the batch is already written to Elasticsearch and nothing of
it is matched, recorded or acknowledged. The process SIGKILLs itself there (the OOM killer, a node lost), after one
log line naming the batch's articles. The batch must come back after the visibility timeout, be written and matched
again, and every match must still arrive exactly once.
"""

from __future__ import annotations

import itertools
import logging
import os
import signal
from typing import Any

from elasticsearch import Elasticsearch

from services.indexer import tasks
from services.indexer.batch import Item
from services.indexer.topics import TopicStep

log = logging.getLogger(__name__)
KILL_AT = int(os.environ.get("CHAOS_KILL_AT_BATCH", "3"))
KILLED_LINE = "chaos: killed after the bulk write, before matching:"  # scenario 12 counts these lines
real_run = TopicStep.run
calls = itertools.count(1)


def run_then_die(
    self: TopicStep, es: Elasticsearch, written: list[Item], documents: dict[str, dict[str, Any]], *more: Any
) -> int:
    if written and next(calls) == KILL_AT:
        log.warning("%s %s", KILLED_LINE, " ".join(sorted(item.id for item in written)))
        for handler in logging.getLogger().handlers:
            handler.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    return real_run(self, es, written, documents, *more)  # `more`: whatever else the task passes the step


TopicStep.run = run_then_die  # type: ignore[method-assign]
app = tasks.app
__all__ = ["app"]
