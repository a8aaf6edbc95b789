"""The ingest service: `create_app()` builds it; gunicorn serves `services.ingest.wsgi:app`."""

from __future__ import annotations

from flask import Flask

from services.ingest import dead_letters, feeds, routes
from services.ingest.access import install_access
from services.ingest.body_size import DiscardUnread
from services.ingest.openapi import api, with_settings
from services.ingest.queueing import Queue
from shared.delivery.celery_app import make_celery
from shared.delivery.status import StatusStore
from shared.es.client import make_client
from shared.observability.logs import configure_logging
from shared.redis_client import connect
from shared.settings import Settings, get_settings
from shared.web.openapi import spec_blueprint
from shared.web.service import health_blueprint, install_error_handlers


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or get_settings()
    configure_logging(settings)
    app = Flask(__name__)
    app.config.update(SETTINGS=settings, MAX_CONTENT_LENGTH=settings.max_body_bytes)
    redis_client = connect(settings)
    app.extensions["redis"] = redis_client
    app.extensions["queue"] = Queue(make_celery(settings), StatusStore(redis_client, settings), settings)
    install_error_handlers(app)
    install_access(app, settings)  # API keys, rate limits, operators (docs/partner-access.md)
    app.register_blueprint(health_blueprint(redis_client, make_client(settings), api))
    app.register_blueprint(routes.bp)
    app.register_blueprint(dead_letters.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(spec_blueprint(api, with_settings))
    app.wsgi_app = DiscardUnread(app.wsgi_app, settings.max_discard_bytes)  # type: ignore[method-assign]
    return app
