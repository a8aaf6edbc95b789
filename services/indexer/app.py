"""Entry point: `celery -A services.indexer.app worker -Q <namespace>.index --pool threads`."""

from services.indexer.tasks import app

__all__ = ["app"]
