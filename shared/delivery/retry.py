"""Pure reliability policy shared by the worker and the ingest service: retry delays, transient failures, versions."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from elasticsearch import ApiError, ConnectionError, ConnectionTimeout, TransportError

# Statuses Elasticsearch answers when it is busy or briefly unable to write: worth trying again later.
TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


def backoff_s(retries: int, base_s: float, max_s: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with "equal jitter": half the capped delay, plus up to the other half at random.

    Retries of many articles after one outage spread out instead of hitting Elasticsearch together,
    and no delay is ever shorter than half its step or longer than `max_s`.
    """
    delay = min(max_s, base_s * (2 ** max(retries, 0)))
    return delay / 2 + (rng or random).uniform(0, delay / 2)


def is_transient_status(status: int | None) -> bool:
    return status is not None and status in TRANSIENT_STATUSES


def is_transient_error(exc: BaseException) -> bool:
    """An Elasticsearch exception that another attempt may not meet (connection loss, timeout, 429, 5xx)."""
    if isinstance(exc, ConnectionError | ConnectionTimeout):
        return True
    if isinstance(exc, ApiError):
        return is_transient_status(exc.status_code)
    return isinstance(exc, TransportError)


def version_of(payload: dict[str, Any]) -> int:
    """The document version: the accept time in milliseconds, fixed when the article was first accepted.

    Indexed with `version_type=external_gte`, a redelivered task rewrites the same version (idempotent)
    and an older accepted copy (a late retry, a dead-letter replay) can never overwrite a newer one.
    A replay keeps the original accept time in `version_ms`.
    """
    if isinstance(payload.get("version_ms"), int) and payload["version_ms"] > 0:
        return int(payload["version_ms"])
    accepted = payload.get("accepted_at")
    if isinstance(accepted, str):
        try:
            return int(datetime.fromisoformat(accepted.replace("Z", "+00:00")).timestamp() * 1000)
        except ValueError:
            pass
    return 1
