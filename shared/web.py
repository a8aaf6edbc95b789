"""What both Flask services share: the error shape, health and readiness, metrics."""

from __future__ import annotations

from typing import Any

import redis
from elasticsearch import Elasticsearch
from flask import Blueprint, Flask, Response, current_app, jsonify
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from werkzeug.exceptions import HTTPException

from shared.es.client import is_reachable


class ApiError(Exception):
    """A client error answered with the contract's shape: {"error": {"code", "message", "field"}}."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field
        self.headers = headers or {}


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


def health_blueprint(redis_client: redis.Redis, es_client: Elasticsearch) -> Blueprint:
    bp = Blueprint("health", __name__)

    @bp.get("/healthz")
    def healthz() -> Any:
        return {"status": "ok"}

    @bp.get("/readyz")
    def readyz() -> Any:
        checks = {"redis": _redis_ok(redis_client), "elasticsearch": is_reachable(es_client)}
        body = {"ready": all(checks.values()), "checks": {k: "ok" if v else "unreachable" for k, v in checks.items()}}
        return body, 200 if body["ready"] else 503

    @bp.get("/metrics")
    def metrics() -> Response:
        return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)

    return bp


def _redis_ok(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
