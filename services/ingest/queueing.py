"""Hands accepted articles to Celery; a 202 is answered only after this returned."""

from __future__ import annotations

from typing import Any

import redis
from celery import Celery
from kombu.exceptions import OperationalError

from shared.celery_app import PROCESS_TASK
from shared.status import StatusStore, now_iso
from shared.web import ApiError

RETRY_AFTER_S = "5"


class Queue:
    def __init__(self, celery: Celery, statuses: StatusStore) -> None:
        self.celery = celery
        self.statuses = statuses

    def submit(self, payload: dict[str, Any]) -> dict[str, Any]:
        payload["accepted_at"] = now_iso()
        try:
            self.statuses.set(payload["id"], "queued")
            self.celery.send_task(PROCESS_TASK, args=[payload])
        except (redis.RedisError, OperationalError) as exc:
            raise ApiError(
                503, "queue_unavailable", f"the queue cannot take articles now: {exc}", headers={"Retry-After": RETRY_AFTER_S}
            ) from exc
        return {"id": payload["id"], "status": "queued", "status_url": f"/v1/articles/{payload['id']}"}
