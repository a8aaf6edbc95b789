"""Partner access to `/v1/*`: API keys, a rate limit per client kept in Redis, CORS for configured origins.

Keys come from SEARCH_API_KEYS (`name:key,...`) and SEARCH_API_KEYS_FILE (one `name:key` or
`name:sha256:<hex>` a line). Only SHA-256 digests are kept in memory; a presented key is hashed
and compared with every digest in constant time (`hmac.compare_digest`, no early exit). With
no key configured the API is open (a newsroom intranet) and each client address gets
SEARCH_ADDRESS_RATE_LIMIT, so one careless script cannot take the service from everyone else.
Keys never reach a log line: only the key's name is put on the request.

A client is its key's name, or without keys its address (`client_id`): the rate limit and the cap
on open points in time (services/search/pits.py) count per client. Behind reverse proxies the
address is read from X-Forwarded-For, SEARCH_TRUSTED_PROXIES hops from the right (werkzeug's ProxyFix).
"""

from __future__ import annotations

from flask import Flask, Response, g, request
from flask_limiter import Limiter
from werkzeug.middleware.proxy_fix import ProxyFix

from shared import redis_client
from shared.settings import Settings
from shared.web.api_keys import HEADER, KeyRing, require_key

EXPOSED = "Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"


def _is_api(path: str) -> bool:
    return path.startswith("/v1/")


def client_id() -> str:
    """Whom this request counts against: its API key's name, or (without keys) its address."""
    name = g.get("api_key_name")
    return f"key:{name}" if name else f"addr:{request.remote_addr or '-'}"


def install_partner_access(app: Flask, settings: Settings) -> None:
    keys = KeyRing.load(settings.search_api_keys, settings.search_api_keys_file)
    if settings.search_trusted_proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.search_trusted_proxies)  # type: ignore[method-assign]
    limit = settings.search_rate_limit if keys else settings.search_address_rate_limit.strip()
    origins = {o.strip() for o in settings.search_cors_origins.split(",") if o.strip()}
    app.extensions["api_keys"] = keys

    @app.before_request
    def _authenticate() -> Response | None:
        if request.method == "OPTIONS" and _is_api(request.path):
            return Response(status=204)  # CORS preflight: headers added below, no key needed
        if not keys or not _is_api(request.path):
            return None
        g.api_key_name = require_key(keys)
        return None

    Limiter(
        client_id,
        app=app,
        application_limits=[limit or "1/second"],  # a placeholder when unlimited: exempt below
        application_limits_exempt_when=lambda: not limit or not _is_api(request.path) or request.method == "OPTIONS",
        headers_enabled=True,
        storage_uri=settings.redis_url,
        storage_options=redis_client.options(settings),  # without them a Redis that hangs held every search
        key_prefix=settings.redis_key("ratelimit"),
        strategy="fixed-window",
        in_memory_fallback_enabled=True,  # Redis away: the same limits, counted by each process
    )

    @app.after_request
    def _cors(response: Response) -> Response:
        if response.status_code not in (429, 503):
            # flask-limiter sends it on every answer; it only means something on a 429, or on our own 503s
            response.headers.pop("Retry-After", None)
        origin = request.headers.get("Origin")
        if origin and _is_api(request.path) and ("*" in origins or origin in origins):
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Vary"] = "Origin"
            response.headers["Access-Control-Expose-Headers"] = EXPOSED
            if request.method == "OPTIONS":
                response.headers["Access-Control-Allow-Methods"] = "GET, OPTIONS"
                response.headers["Access-Control-Allow-Headers"] = f"{HEADER}, Content-Type"
                response.headers["Access-Control-Max-Age"] = "600"
        return response
