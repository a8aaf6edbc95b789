"""Entry point: `celery -A services.worker.app worker` (and `beat`, which schedules the feed polls, sweeps and snapshots)."""

from services.worker import feeds, snapshots, sweeper  # registers the feed polls, in-flight sweep, snapshot tick
from services.worker.tasks import app

__all__ = ["app", "feeds", "snapshots", "sweeper"]
