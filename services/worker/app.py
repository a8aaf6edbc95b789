"""Entry point: `celery -A services.worker.app worker` (and `beat`, which schedules the feed polls and sweeps)."""

from services.worker import feeds, sweeper  # registers the feed polling tasks and the in-flight sweep
from services.worker.tasks import app

__all__ = ["app", "feeds", "sweeper"]
