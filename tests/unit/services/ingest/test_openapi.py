"""The ingest service's /openapi.json: a valid OpenAPI 3.1 document of every route, from which openapi-python-client
makes a client without a warning, raw pages and ninjs included, with a readable function per operation."""

from __future__ import annotations

import pytest

from services.ingest.app import create_app
from tests.openapi_clients import Generated, check_document, check_generated, check_operations, served_spec

OPERATIONS = {
    "articles/ingest_article",
    "articles/ingest_raw_article",
    "articles/get_article_status",
    "feeds/subscribe_feed",
    "feeds/list_feeds",
    "feeds/get_feed",
    "feeds/unsubscribe_feed",
    "feeds/poll_feed",
    "dead-letters/list_dead_letters",
    "dead-letters/replay_dead_letter",
    "service/get_health",
    "service/get_readiness",
    "service/get_metrics",
    "service/get_openapi",
}


@pytest.fixture(scope="module")
def spec() -> dict:
    return served_spec(create_app())


def test_the_document_is_valid_openapi_3_1(spec: dict) -> None:
    check_document(spec)


def test_every_route_is_an_operation_with_an_id_and_a_tag(spec: dict) -> None:
    check_operations(create_app(), spec, OPERATIONS)


def test_bodies_come_from_the_models_that_check_them(spec: dict) -> None:
    articles = spec["paths"]["/v1/articles"]["post"]["requestBody"]["content"]
    assert {"$ref": "#/components/schemas/ArticleIn"} in articles["application/json"]["schema"]["anyOf"]
    assert {"$ref": "#/components/schemas/NinjsBatch"} in articles["application/json"]["schema"]["anyOf"]
    assert set(spec["paths"]["/v1/articles/raw"]["post"]["requestBody"]["content"]) == {"application/octet-stream"}
    assert spec["components"]["schemas"]["FeedIn"]["properties"]["interval_s"]["minimum"] == 60  # FEED_MIN_INTERVAL_S


def test_api_key_optional_without_keys(spec: dict) -> None:
    assert spec["paths"]["/v1/feeds/{id}"]["delete"]["security"] == [{}, {"apiKey": []}]
    assert "security" not in spec["paths"]["/healthz"]["get"]
    assert {"401", "429"} <= set(spec["paths"]["/v1/feeds/{id}"]["delete"]["responses"])


def test_the_generated_client_has_every_operation_and_no_warning(
    generated_clients: dict[str, Generated], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = generated_clients["ingest"]
    monkeypatch.syspath_prepend(str(client.folder.parent))
    check_generated(client, OPERATIONS)
