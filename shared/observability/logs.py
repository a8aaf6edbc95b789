"""Log lines as JSON, one per event, so one article's journey can be followed with grep.

Every line carries the context bound for the current request or task: the ingest service binds a
`request_id` (the caller's `X-Request-ID` when it sends a sane one, else a new one; echoed back in the
answer) and writes one access line naming the accepted `article_ids`; the request id travels in the
Celery payload, and the worker binds it again with the `article_id` for every line of that task,
down to the index call. `grep <article id> .run/*.log` shows the whole journey.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

import structlog
from flask import Flask, Response, g, request

from shared.settings import Settings

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
access_log = structlog.get_logger("access")


def configure_logging(settings: Settings, logfile: str | None = None) -> None:
    """JSON lines on stderr, or appended to `logfile` (a Celery worker's `--logfile`; reopened if rotated)."""
    shared_processors: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    formatter = structlog.stdlib.ProcessorFormatter(
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            # A logged exception keeps its traceback as text; without this only "<traceback object>" is written.
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
        foreign_pre_chain=shared_processors,
    )
    handler: logging.Handler = logging.handlers.WatchedFileHandler(logfile) if logfile else logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
    if root.level > logging.DEBUG:  # one line per Elasticsearch request (each probe, each scrape) is noise
        logging.getLogger("elastic_transport.transport").setLevel(logging.WARNING)
    structlog.configure(
        processors=[*shared_processors, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        cache_logger_on_first_use=True,
    )


def new_request_id() -> str:
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    """The request id bound for this request or task, if any (what the ingest service puts in a payload)."""
    value = structlog.contextvars.get_contextvars().get("request_id")
    return str(value) if value else None


def bind_task(payload: object, task_id: str | None) -> None:
    """Bind what every log line of one task carries: the ingest request id, the article id, the task id. A task of
    several articles binds its task id only; it binds each article while working on it (`article_context`)."""
    structlog.contextvars.clear_contextvars()
    if isinstance(payload, list) and len(payload) == 1:
        payload = payload[0]
    if isinstance(payload, dict):
        structlog.contextvars.bind_contextvars(
            request_id=payload.get("request_id"), article_id=payload.get("id"), task_id=task_id
        )
    elif task_id:
        structlog.contextvars.bind_contextvars(task_id=task_id)


def article_context(payload: dict[str, Any]) -> Any:
    """Log lines inside carry this article's id and ingest request id."""
    return structlog.contextvars.bound_contextvars(request_id=payload.get("request_id"), article_id=payload.get("id"))


def unbind_task() -> None:
    structlog.contextvars.clear_contextvars()


def init_request_logging(app: Flask, accepted_ids: Callable[[Response], list[str]] | None = None) -> None:
    """A request id for every request (bound to each log line, echoed in `X-Request-ID`) and one access line."""

    @app.before_request
    def _bind() -> None:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _SANE_ID.match(incoming) else new_request_id()
        g.request_start = time.perf_counter()
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=g.request_id)

    @app.after_request
    def _access(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = g.get("request_id", "")
        if request.path not in ("/metrics", "/healthz", "/readyz"):
            fields: dict[str, object] = {}
            if accepted_ids is not None and request.method == "POST":
                fields["article_ids"] = accepted_ids(response)
            elapsed_ms = (time.perf_counter() - g.get("request_start", time.perf_counter())) * 1000
            access_log.info(
                "request",
                method=request.method,
                path=request.path,
                status=response.status_code,
                duration_ms=round(elapsed_ms, 1),
                **fields,
            )
        return response

    @app.teardown_request
    def _unbind(_exc: BaseException | None) -> None:
        structlog.contextvars.clear_contextvars()
