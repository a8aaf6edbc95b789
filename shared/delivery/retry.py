"""Pure reliability policy shared by the worker, the indexer and newsctl: retry delays, transient failures, versions."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from elasticsearch import ApiError, ConnectionError, ConnectionTimeout, TransportError

# The one definition of a transient HTTP status (docs/guarantees.md): the same request may well succeed later, whoever
# answers it (Elasticsearch for a whole request or for one item of a bulk request, a proxy in front of it, our own
# ingest service for newsctl):
#   408 Request Timeout             the server stopped waiting for the request
#   429 Too Many Requests           Elasticsearch: a full write or search queue (es_rejected_execution_exception), a
#                                   tripped circuit breaker, the flood-stage disk watermark's write block
#   500 Internal Server Error       a failure on the server's side (a shard failing, a node leaving mid-request)
#   502 Bad Gateway, 504 Gateway Timeout  a proxy that could not reach a node, or not in time
#   503 Service Unavailable         no active primary shard (unavailable_shards_exception), a node starting or stopping
# Not 501 Not Implemented, 505 HTTP Version Not Supported nor 506-511: they describe the request or the server's
# configuration, so the same request meets the same answer again. The other 4xx are the request's (the document's)
# own fault: a mapping conflict, a parse error. (409 is neither: for a versioned write, a newer copy is stored.)
# When in doubt a status is transient: retries are bounded (TASK_MAX_RETRIES, then the dead-letter list), while a
# transient failure taken for a permanent one dead-letters a good article at once.
TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


def backoff_s(retries: int, base_s: float, max_s: float, rng: random.Random | None = None) -> float:
    """Exponential backoff with "equal jitter": half the capped delay, plus up to the other half at random.

    Retries of many articles after one outage spread out instead of hitting Elasticsearch together,
    and no delay is ever shorter than half its step or longer than `max_s`.
    """
    delay = min(max_s, base_s * (2 ** max(retries, 0)))
    return delay / 2 + (rng or random).uniform(0, delay / 2)


def is_transient_status(status: int | None) -> bool:
    """Whether another attempt of the same request may succeed (`TRANSIENT_STATUSES`)."""
    return status is not None and status in TRANSIENT_STATUSES


def is_transient_error(exc: BaseException) -> bool:
    """An Elasticsearch exception that another attempt may not meet: no answer (connection lost, timed out) or a
    transient status."""
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
