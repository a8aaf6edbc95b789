"""The Celery app every service shares: the ingest service sends, the workers consume."""

from __future__ import annotations

from typing import Any

from celery import Celery

from shared import redis_client
from shared.delivery import broker_transport
from shared.feeds import FEEDS_TICK_TASK
from shared.settings import Settings, get_settings

PROCESS_TASK = "news.normalize_articles"  # accepted articles, one to ARTICLES_PER_TASK: normalize them (services/worker)
INDEX_TASK = "news.index_articles"  # normalized articles, written in bulk with others (services/indexer)
SWEEP_TASK = "news.sweep_inflight"  # send again accepted articles that stopped making progress (services/worker)
SNAPSHOT_TASK = "news.snapshot_tick"  # take an Elasticsearch snapshot when one is due, prune old ones (services/worker)
# How often beat asks whether a snapshot is due: a fresh system gets its first one within minutes.
SNAPSHOT_TICK_S = 300.0


def make_celery(settings: Settings | None = None) -> Celery:
    settings = settings or get_settings()
    # kombu's Redis transport, guarded against the worker-killing AttributeError of celery/kombu#582 when
    # Redis dies under a consumer (shared/delivery/broker_transport.py); redis:// URLs resolve to it.
    broker_transport.install()
    # Task arguments are articles: messages carry a summary of them for events and inspection (shared/delivery/task_privacy.py).
    app = Celery("news", broker=settings.redis_url, amqp="shared.delivery.task_privacy:QuietAMQP")
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        # Reliability (docs/guarantees.md). A task is acknowledged only once it has finished
        # (indexed, or dead-lettered with its reason). A child killed mid-task rejects its message back
        # onto the queue at once; a whole worker killed leaves its unacknowledged messages in Redis,
        # which redelivers them after the visibility timeout.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        # One message reserved per process: a killed worker strands at most `concurrency` messages
        # (plus retries waiting for their countdown) until the visibility timeout, and a slow
        # article never holds others hostage behind it.
        worker_prefetch_multiplier=1,
        # A hang is bounded: the soft limit raises inside the task (retried, bounded), the hard limit
        # kills the child; the task's on_failure dead-letters it, then the message is acknowledged.
        task_soft_time_limit=settings.task_soft_time_limit_s,
        task_time_limit=settings.task_time_limit_s,
        # Redis gone mid-task: cancel and let the message be redelivered rather than finish unacknowledgeable.
        worker_cancel_long_running_tasks_on_connection_loss=True,
        # The ingest service answers 202 only after Redis took the message: publishing retries briefly,
        # then fails so the service can answer 503 with Retry-After instead of hanging.
        task_publish_retry=True,
        task_publish_retry_policy={
            "max_retries": 3,
            "interval_start": 0,
            "interval_step": settings.publish_timeout_s / 6,
            "interval_max": settings.publish_timeout_s / 3,
        },
        broker_connection_timeout=settings.publish_timeout_s,
        task_default_queue=settings.queue_name,
        task_routes={INDEX_TASK: {"queue": settings.index_queue_name}, "news.*": {"queue": settings.queue_name}},
        broker_transport_options={
            "visibility_timeout": settings.visibility_timeout_s,
            # Look for messages stranded by a dead worker every 10 s (kombu's default scans only every
            # 10th sweep, ~100 s), so recovery takes about the visibility timeout plus 10 s.
            "unacked_restore_interval": 10,
            "unacked_restore_throttle": 1,
            **redis_client.options(settings),  # the timeouts of every Redis client (shared/redis_client.py)
            # Every key the broker writes carries the namespace, so test runs never meet a user's queue.
            "global_keyprefix": f"{settings.namespace}:",
        },
        broker_connection_retry_on_startup=True,
        # Reconnect every second or two after a broker outage, not every 30 s (shared/consumer/reconnect.py), and
        # never give up: a worker that stopped trying after 100 attempts would outlive a long outage idle.
        worker_consumer="shared.consumer.reconnect:Consumer",
        broker_connection_max_retries=None,
        # Task events cost the worker's main process about as much as receiving the tasks (a publish per
        # received/started/succeeded task): off unless TASK_EVENTS is set. Flower switches them on in the
        # running workers itself (its enable_events), so its task pages work while it runs.
        worker_send_task_events=settings.task_events,
        task_send_sent_event=settings.task_events,
        worker_hijack_root_logger=False,
        # Feeds (docs/ingest.md, "Feeds"): beat looks for due feeds every FEED_TICK_S; each feed has its own interval.
        # The in-flight ledger (shared/delivery/inflight.py): beat sweeps it every SWEEP_INTERVAL_S; a sweep still waiting
        # in the queue when the next one is due is dropped.
        beat_schedule=beat_schedule(settings),
    )
    return app


def beat_schedule(settings: Settings) -> dict[str, dict[str, Any]]:
    schedule: dict[str, dict[str, Any]] = {
        "poll-due-feeds": {"task": FEEDS_TICK_TASK, "schedule": settings.feed_tick_s},
        "sweep-inflight": {
            "task": SWEEP_TASK,
            "schedule": settings.sweep_interval_s,
            "options": {"expires": settings.sweep_interval_s},
        },
    }
    # Snapshots (docs/backups.md): no SLM in the minimal Elasticsearch, so beat asks; a tick waiting in the
    # queue past the next one is dropped.
    if settings.snapshot_interval_s > 0:
        every = min(settings.snapshot_interval_s, SNAPSHOT_TICK_S)
        schedule["snapshot"] = {"task": SNAPSHOT_TASK, "schedule": every, "options": {"expires": every}}
    return schedule
