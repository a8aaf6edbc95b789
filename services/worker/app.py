"""Entry point: `celery -A services.worker.celery worker`."""

from services.worker.tasks import app

__all__ = ["app"]
