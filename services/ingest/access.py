"""Who may call the ingest API (docs/partner-access.md).

With INGEST_API_KEYS / INGEST_API_KEYS_FILE set, `/v1/*` needs X-API-Key (the key model of search,
shared/web/api_keys.py); each key has INGEST_RATE_LIMIT, owns the feeds it subscribes, and only the keys named in
INGEST_OPERATOR_KEYS may read and replay dead letters or see every feed. Without keys the API is open (a newsroom
intranet) and each client address has INGEST_ADDRESS_RATE_LIMIT. Probes, metrics and the spec stay open.

The rate limit is flask-limiter's, counted in Redis (in each process while Redis is away, so a Redis outage is
still the service's own 503). Its 429 carries the window's Retry-After; every other answer keeps its own, so the
backpressure 429 `queue_full` and the 503s still say RETRY_AFTER_S.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, Response, current_app, g, request
from flask_limiter import Limiter, RequestLimit

from shared import redis_client
from shared.settings import Settings
from shared.web.api_keys import KeyRing, require_key
from shared.web.service import ApiError


@dataclass(frozen=True)
class Caller:
    """Who sent this request: a key's name (None without keys) and whether that key is an operator's."""

    key: str | None
    operator: bool

    def sees(self, owner: str | None) -> bool:
        """Whether a feed owned by `owner` is this caller's to see, poll and delete."""
        return self.key is None or self.operator or owner == self.key


def caller() -> Caller:
    keys: KeyRing = current_app.extensions["api_keys"]
    if not keys:
        return Caller(None, operator=True)  # no keys: everyone may do everything, as before keys
    name = g.api_key_name
    return Caller(name, operator=name in current_app.extensions["operator_keys"])


def require_operator() -> None:
    """403 unless keys are off or this request's key is an operator key."""
    if not caller().operator:
        raise ApiError(403, "forbidden", "an operator key (INGEST_OPERATOR_KEYS) is required", "X-API-Key")


def _is_api(path: str) -> bool:
    return path.startswith("/v1/")


def _client_id() -> str:
    name = g.get("api_key_name")
    return f"key:{name}" if name else f"addr:{request.remote_addr or '-'}"


def _breached(limit: RequestLimit) -> None:
    g.rate_limited = True  # the 429 is the rate limit's, not backpressure (metrics count it per key name)


def install_access(app: Flask, settings: Settings) -> None:
    keys = KeyRing.load(settings.ingest_api_keys, settings.ingest_api_keys_file)
    operators = {name.strip() for name in settings.ingest_operator_keys.split(",") if name.strip()}
    if operators - keys.names:
        raise ValueError(f"INGEST_OPERATOR_KEYS names keys that are not configured: {sorted(operators - keys.names)}")
    app.extensions.update(api_keys=keys, operator_keys=operators)
    limit = settings.ingest_rate_limit if keys else settings.ingest_address_rate_limit.strip()

    @app.before_request
    def _authenticate() -> None:
        if keys and _is_api(request.path):
            g.api_key_name = require_key(keys)

    @app.after_request
    def _own_retry_after(response: Response) -> Response:  # runs after the limiter's headers (registered before it)
        if g.get("rate_limited"):
            return response
        own = g.pop("own_retry_after", None)
        if own is None:
            response.headers.pop("Retry-After", None)
        else:
            response.headers["Retry-After"] = own
        return response

    Limiter(
        _client_id,
        app=app,
        application_limits=[limit or "1/second"],  # a placeholder when unlimited: exempt below
        application_limits_exempt_when=lambda: not limit or not _is_api(request.path),
        headers_enabled=True,
        storage_uri=settings.redis_url,
        storage_options=redis_client.options(settings),
        key_prefix=settings.redis_key("ratelimit", "ingest"),
        strategy="fixed-window",
        in_memory_fallback_enabled=True,
        on_breach=_breached,
    )

    @app.after_request
    def _keep_retry_after(response: Response) -> Response:  # runs before the limiter's headers
        g.own_retry_after = response.headers.get("Retry-After")
        return response
