"""Dead-letter endpoints: what could not be processed and why, and sending it through again."""

from __future__ import annotations

from typing import Annotated, Any

from flask import Blueprint, current_app
from pydantic import BeforeValidator, Field

from services.ingest.access import require_operator
from services.ingest.answers import Accepted, DeadLetterList
from services.ingest.openapi import BUSY, NOT_FOUND, OPERATORS, api
from services.ingest.queueing import Queue
from shared.delivery.deadletters import DeadLetters, replay_payload
from shared.web.openapi import QueryModel, checked_query
from shared.web.service import ApiError

bp = Blueprint("dead_letters", __name__)


def parse_limit(raw: str) -> int:
    """1 to 1000 in ASCII digits ("²" and "١٢" are digits to `isdigit` but not to `int`)."""
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 1000:
        raise ApiError(400, "invalid_parameter", "limit is a whole number from 1 to 1000", "limit")
    return int(raw)


class DeadLettersQuery(QueryModel):
    limit: Annotated[
        int,
        Field(ge=1, le=1000, description="The newest this many."),
        BeforeValidator(lambda raw: parse_limit(raw) if isinstance(raw, str) else raw),
    ] = 50


@bp.get("/v1/dead-letters")
@api.operation(
    "list_dead_letters", "dead-letters", {200: (DeadLetterList, "the newest first"), 403: OPERATORS}, query=DeadLettersQuery
)
def dead_letters() -> Any:
    """What could not be processed, and why"""
    require_operator()  # records hold every client's articles: an operator action when keys are on
    limit = checked_query(DeadLettersQuery).limit
    store = DeadLetters(current_app.extensions["redis"])
    return {"total": store.total(), "items": store.list(limit)}


@bp.post("/v1/dead-letters/<id>/replay")
@api.operation(
    "replay_dead_letter",
    "dead-letters",
    {202: (Accepted, "queued again"), 403: OPERATORS, 404: NOT_FOUND, 503: BUSY},
)
def replay(id: str) -> Any:  # the contract names the path parameter `id` (the article's)
    """Send a dead letter through again

    It is queued under its original version; the record leaves the list only once the queue took it."""
    article_id = id
    require_operator()
    store = DeadLetters(current_app.extensions["redis"])
    record = store.get(article_id)
    if record is None:
        raise ApiError(404, "not_found", f"no dead letter {article_id}", "id")
    queue: Queue = current_app.extensions["queue"]
    answer = queue.submit(replay_payload(record))
    store.remove(article_id)
    return answer, 202
