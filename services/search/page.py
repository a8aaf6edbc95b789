"""`GET /`: the newsroom search page, served with its own assets (no CDN, no inline script)."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, request

bp = Blueprint("page", __name__)
# Only this service's own files may load or run: a stored `<script>` could not run even if it got through.
CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'self'"


@bp.get("/")
def index() -> Response:
    return current_app.send_static_file("index.html")


def install_page_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        if not request.path.startswith("/v1/"):
            response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response
