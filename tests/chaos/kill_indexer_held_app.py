"""Scenario 12's second dying indexer: tests/chaos/kill_indexer_app.py's, with its matches outbox fan-out never started.

The batches it matches and acknowledges before it dies leave their matches staged in the outbox, applied by no one
(ADR 0035); the next indexer's fan-out must apply them: every match still arrives, once.
"""

from __future__ import annotations

from celery import signals

from services.indexer import tasks
from tests.chaos import kill_indexer_app

signals.worker_ready.disconnect(tasks.start_fan_out)
app = kill_indexer_app.app
__all__ = ["app"]
