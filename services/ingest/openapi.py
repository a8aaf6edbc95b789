"""The ingest API's description: its views declare their parameters, bodies and answers here
(shared/web/openapi.py); `GET /openapi.json` serves the document they make."""

from __future__ import annotations

from typing import Any

from flask import current_app

from shared.web.openapi import Api, ErrorBody

api = Api(
    "News ingest API",
    {
        401: "X-API-Key missing or unknown (only when INGEST_API_KEYS are configured)",
        429: "the rate limit of this key or address, or (articles) the queue is full",
    },
)
BUSY = (ErrorBody, "the queue or a store does not answer for a moment (Retry-After)")
NOT_FOUND = (ErrorBody, "not found (or another key's)")
OPERATORS = (ErrorBody, "an operator key (INGEST_OPERATOR_KEYS) is required")
TOO_LARGE = (ErrorBody, "the body is over MAX_BODY_BYTES")
UNSUPPORTED = (ErrorBody, "a media type this operation does not take")


def with_settings(document: dict[str, Any]) -> None:
    """What this service's settings decide: the shortest feed interval."""
    feed_in = document["components"]["schemas"]["FeedIn"]
    feed_in["properties"]["interval_s"]["minimum"] = current_app.config["SETTINGS"].feed_min_interval_s
