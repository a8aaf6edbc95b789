"""The search service and newsroom page: `create_app()` builds it; gunicorn serves `services.search.wsgi:app`."""

from __future__ import annotations

from flask import Flask

from services.search import page, routes, topic_events, topics
from services.search.cursor import cursor_secret, duration_s
from services.search.openapi import api
from services.search.partner import install_partner_access
from services.search.pits import PitSlots
from shared.es.client import make_client
from shared.observability.logs import configure_logging
from shared.redis_client import connect
from shared.settings import Settings, get_settings
from shared.web.openapi import spec_blueprint
from shared.web.service import health_blueprint, install_error_handlers


def create_app(settings: Settings | None = None) -> Flask:
    settings = settings or get_settings()
    configure_logging(settings)
    app = Flask(__name__, static_folder="static", static_url_path="/static")
    app.config.update(SETTINGS=settings)
    es_client = make_client(settings)
    redis_client = connect(settings)
    app.extensions.update(es=es_client, redis=redis_client)
    keep_alive_s = duration_s(settings.search_pit_keep_alive)
    duration_s(settings.search_timeout)  # a SEARCH_TIMEOUT Elasticsearch could not read fails here, not every search
    pits = PitSlots(redis_client, settings.redis_key("search", "pits"), settings.search_pit_max_per_client, keep_alive_s)
    app.extensions["pit_slots"] = pits
    if settings.search_cursor_secret:  # checked at start; without it the one in Redis is fetched at first use
        app.extensions["cursor_secret"] = cursor_secret(settings, redis_client)
    install_error_handlers(app)
    install_partner_access(app, settings)
    app.register_blueprint(health_blueprint(redis_client, es_client, api))
    app.register_blueprint(routes.bp)
    app.register_blueprint(topics.bp)
    app.register_blueprint(topic_events.bp)
    app.register_blueprint(spec_blueprint(api))
    app.register_blueprint(page.bp)
    page.install_page_headers(app)
    return app
