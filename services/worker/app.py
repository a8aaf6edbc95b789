"""Entry point: `celery -A services.worker.app worker` (and `beat`, which schedules the feed polls)."""

from services.worker import feeds  # registers the feed polling tasks
from services.worker.tasks import app

__all__ = ["app", "feeds"]
