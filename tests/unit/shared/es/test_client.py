"""The Elasticsearch client knows every node it is given, so one lost node does not stop the pipeline."""

from __future__ import annotations

from shared.es.client import make_client
from shared.settings import Settings


def nodes(url: str) -> list[str]:
    client = make_client(Settings(elasticsearch_url=url))
    return sorted(f"{n.config.host}:{n.config.port}" for n in client.transport.node_pool.all())


def test_one_node_or_a_comma_separated_cluster() -> None:
    assert nodes("http://127.0.0.1:9200") == ["127.0.0.1:9200"]
    assert nodes("http://127.0.0.1:19210, http://127.0.0.1:19211,http://127.0.0.1:19212,") == [
        "127.0.0.1:19210",
        "127.0.0.1:19211",
        "127.0.0.1:19212",
    ]
