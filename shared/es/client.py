"""The one place an Elasticsearch client is made."""

from __future__ import annotations

from elasticsearch import Elasticsearch

from shared.settings import Settings, get_settings


def make_client(settings: Settings | None = None) -> Elasticsearch:
    """A client of every node in ELASTICSEARCH_URL (comma-separated): requests go round the live ones, and a
    node that fails is set aside for a while, so losing one node of a cluster does not stop the pipeline."""
    settings = settings or get_settings()
    nodes = [url.strip() for url in settings.elasticsearch_url.split(",") if url.strip()]
    return Elasticsearch(
        nodes,
        request_timeout=settings.elasticsearch_timeout_s,
        retry_on_timeout=True,
        max_retries=2,
    )


def is_reachable(client: Elasticsearch) -> bool:
    # The minimal distribution answers no `GET /`, so ask the cluster health instead. A probe of its own, short
    # and not retried: a paused node must not hold a readiness check or the indexer's outage wait for the
    # client's full timeout and retries.
    try:
        client.options(request_timeout=2, max_retries=0).cluster.health(timeout="1s")
    except Exception:  # noqa: BLE001 - any failure means "not reachable" to a readiness probe
        return False
    return True
