"""What both Flask services share: the error shape, health and readiness, metrics, request logging."""

from __future__ import annotations

from typing import Any, cast

import redis
from elasticsearch import Elasticsearch
from flask import Blueprint, Flask, Response, current_app, jsonify
from flask.blueprints import BlueprintSetupState
from prometheus_client.registry import Collector
from werkzeug.exceptions import HTTPException

from shared.es.client import is_reachable
from shared.es.snapshot_metrics import SnapshotCollector
from shared.observability.logs import init_request_logging
from shared.observability.metrics import accepted_ids, init_metrics, metrics_response, service_name
from shared.observability.queue_metrics import DependencyCollector, PipelineCollector
from shared.settings import get_settings
from shared.web.errors import ApiError
from shared.web.openapi import Api, Health, Readiness


def error_response(status: int, code: str, message: str, field: str | None = None) -> tuple[Response, int]:
    return jsonify({"error": {"code": code, "message": message, "field": field}}), status


def _api_error(exc: ApiError) -> Response:
    response, status = error_response(exc.status, exc.code, exc.message, exc.field)
    response.status_code = status
    response.headers.update(exc.headers)
    return response


def _http_error(exc: HTTPException) -> tuple[Response, int]:
    code = (exc.name or "error").lower().replace(" ", "_")
    return error_response(exc.code or 500, code, exc.description or code)


def _unexpected(exc: Exception) -> tuple[Response, int]:
    current_app.logger.exception("unexpected error")
    return error_response(500, "internal_error", "unexpected error; it has been logged")


def install_error_handlers(app: Flask) -> None:
    app.register_error_handler(ApiError, _api_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)


def health_blueprint(redis_client: redis.Redis, es_client: Elasticsearch, api: Api) -> Blueprint:
    """/healthz, /readyz, /metrics (described in the service's `api`); registering it also installs request metrics
    and request-id logging on the whole app, so every service gets them from the one blueprint it already registers."""
    bp = Blueprint("health", __name__)
    checks = {"redis": lambda: _redis_ok(redis_client), "elasticsearch": lambda: is_reachable(es_client)}
    live: list[Collector] = [DependencyCollector(checks)]

    def _install(state: BlueprintSetupState) -> None:
        app = cast(Flask, state.app)
        service = service_name(app)
        init_request_logging(app, accepted_ids if service == "ingest" else None)
        init_metrics(app, service)
        if service == "ingest":  # the pipeline's gauges come from the one service that stays up without workers
            settings = app.config.get("SETTINGS") or get_settings()
            live.append(PipelineCollector(redis_client, settings))
            live.append(SnapshotCollector(es_client, settings))  # the age of the newest good snapshot (docs/backups.md)

    bp.record_once(_install)

    @bp.get("/healthz")
    @api.operation("get_health", "service", {200: (Health, "the process is alive")}, public=True)
    def healthz() -> Any:
        """Process alive"""
        return {"status": "ok"}

    @bp.get("/readyz")
    @api.operation("get_readiness", "service", {200: (Readiness, "ready"), 503: (Readiness, "a dependency is down")}, public=True)
    def readyz() -> Any:
        """Redis and Elasticsearch reachable"""
        return readiness({name: check() for name, check in checks.items()})

    @bp.get("/metrics")
    @api.operation("get_metrics", "service", {200: (None, "Prometheus text format")}, public=True)
    def metrics() -> Response:
        """Prometheus metrics"""
        return metrics_response(live)

    return bp


def readiness(checks: dict[str, bool]) -> tuple[dict[str, Any], int]:
    """The contract's readiness answer: each dependency `ok` or `unreachable`; 503 when any is not ok."""
    body = {"ready": all(checks.values()), "checks": {k: "ok" if v else "unreachable" for k, v in checks.items()}}
    return body, 200 if body["ready"] else 503


def _redis_ok(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
