"""The Celery app every service shares: the ingest service sends, the workers consume."""

from __future__ import annotations

from celery import Celery

from shared.settings import Settings, get_settings

PROCESS_TASK = "news.process_article"


def make_celery(settings: Settings | None = None) -> Celery:
    settings = settings or get_settings()
    app = Celery("news", broker=settings.redis_url)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        # A task is acknowledged only once it has finished, and put back if its worker dies,
        # so an accepted article survives any worker crash (redelivered after the visibility timeout).
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=settings.queue_name,
        task_routes={"news.*": {"queue": settings.queue_name}},
        broker_transport_options={
            "visibility_timeout": settings.visibility_timeout_s,
            # Every key the broker writes carries the namespace, so test runs never meet a user's queue.
            "global_keyprefix": f"{settings.namespace}:",
        },
        broker_connection_retry_on_startup=True,
        worker_send_task_events=True,
        task_send_sent_event=True,
        worker_hijack_root_logger=False,
    )
    return app
