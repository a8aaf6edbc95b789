"""Dead-letter endpoints: what could not be processed and why, and sending it through again."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, request

from services.ingest.access import require_operator
from services.ingest.queueing import Queue
from shared.delivery.deadletters import DeadLetters, replay_payload
from shared.web.service import ApiError

bp = Blueprint("dead_letters", __name__)


def parse_limit(raw: str) -> int:
    """1 to 1000 in ASCII digits ("²" and "١٢" are digits to `isdigit` but not to `int`)."""
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 1000:
        raise ApiError(400, "invalid_parameter", "limit is a whole number from 1 to 1000", "limit")
    return int(raw)


@bp.get("/v1/dead-letters")
def dead_letters() -> Any:
    require_operator()  # records hold every client's articles: an operator action when keys are on
    limit = parse_limit(request.args.get("limit", "50"))
    store = DeadLetters(current_app.extensions["redis"])
    return {"total": store.total(), "items": store.list(limit)}


@bp.post("/v1/dead-letters/<article_id>/replay")
def replay(article_id: str) -> Any:
    """Queue it again under its original version; the record leaves the list only once the queue took it."""
    require_operator()
    store = DeadLetters(current_app.extensions["redis"])
    record = store.get(article_id)
    if record is None:
        raise ApiError(404, "not_found", f"no dead letter {article_id}", "id")
    queue: Queue = current_app.extensions["queue"]
    answer = queue.submit(replay_payload(record))
    store.remove(article_id)
    return answer, 202
