"""The search service's /openapi.json: a valid OpenAPI 3.1 document of every route, from which openapi-python-client
makes a client without a warning, with a readable function per operation."""

from __future__ import annotations

import pytest

from services.search.app import create_app
from tests.openapi_clients import Generated, check_document, check_generated, check_operations, served_spec

OPERATIONS = {
    "search/search_articles",
    "search/suggest_completions",
    "articles/get_article",
    "topics/create_topic",
    "topics/list_topics",
    "topics/get_topic",
    "topics/change_topic",
    "topics/delete_topic",
    "topics/follow_topic_events",
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


def test_parameters_are_described_once_in_the_model(spec: dict) -> None:
    search = {p["name"]: p for p in spec["paths"]["/v1/search"]["get"]["parameters"]}
    assert search["size"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
        "default": 10,
        "title": "Size",
        "description": "Hits per page.",
    }
    assert search["country"]["schema"]["type"] == "array"  # repeatable
    assert search["from"]["schema"]["type"] == "string"


def test_errors_keep_the_contract_shape(spec: dict) -> None:
    error = spec["components"]["schemas"]["ErrorDetail"]
    assert set(error["properties"]) == {"code", "message", "field"}
    bad = spec["paths"]["/v1/search"]["get"]["responses"]["400"]
    assert bad["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}


def test_the_generated_client_has_every_operation_and_no_warning(
    generated_clients: dict[str, Generated], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = generated_clients["search"]
    monkeypatch.syspath_prepend(str(client.folder.parent))
    check_generated(client, OPERATIONS)
