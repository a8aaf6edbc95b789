"""schemathesis against the live search service's own /openapi.json: no 5xx, every answer as the spec says.

Positive and negative examples of every parameter of every endpoint, a few hundred requests in all.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from shared.articles.model import Location, NormalizedArticle
from shared.es.indexer import bulk_index
from tests.stack import Stack


@schemathesis.check
def invalid_data_rejected(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    """Invalid parameters answer 4xx; a request line over gunicorn's limit is refused by gunicorn itself (414)."""
    if response.status_code == 414:
        return True
    return negative_data_rejection(ctx, response, case)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    invalid_data_rejected,
]


EXAMPLES = 30  # per endpoint and mode: 3 endpoints x 2 modes x 30 = about 180 requests


def _seed(stack: Stack) -> None:
    place = Location(city="Almaty", country="Kazakhstan", country_code="KZ", lat=43.25, lon=76.95)
    article = NormalizedArticle(
        id="schema-1", title="Schema article", body="Body.", published_at="2023-10-17T09:00:00+06:00", location=place
    )
    bulk_index(stack.es, stack.settings.index_alias, [article])
    stack.refresh()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_search_api_answers_as_its_spec_says(stack: Stack, mode: GenerationMode) -> None:
    _seed(stack)
    schema = schemathesis.openapi.from_url(f"{stack.search_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/v1/search", "/v1/articles/{id}", "/v1/suggest"}
    for operation in operations:
        if not operation.path.startswith("/v1/"):
            continue
        if mode == GenerationMode.NEGATIVE and "{id}" in operation.path:
            continue  # any string is a valid id (it answers 404): nothing to negate
        raw = operation.definition.raw
        if mode == GenerationMode.NEGATIVE and not raw.get("parameters") and "requestBody" not in raw:
            continue  # takes nothing (GET /v1/topics): nothing to negate

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def answers_as_specified(case: schemathesis.Case) -> None:
            case.call_and_validate(base_url=stack.search_url, checks=CHECKS)

        answers_as_specified()
