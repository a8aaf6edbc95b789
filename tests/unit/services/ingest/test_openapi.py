"""`/openapi.json` describes every article and feed endpoint the ingest service serves."""

from __future__ import annotations

import re

from services.ingest import feeds, openapi, routes
from services.ingest.app import create_app


def test_every_article_and_feed_route_is_described() -> None:
    app = create_app()
    spec = openapi.spec()["paths"]
    ours = {routes.bp.name, feeds.bp.name}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in ours:
            path = re.sub(r"<(?:\w+:)?(\w+)>", "{id}", rule.rule)
            methods = {m.lower() for m in rule.methods or ()} - {"head", "options"}
            assert path in spec, path
            assert methods <= set(spec[path]), (path, methods)
