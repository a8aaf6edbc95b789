"""schemathesis against the live ingest service's own /openapi.json: a few hundred generated requests,
valid and invalid; never a 5xx, and every answer (status, content type, body, headers) as the spec says."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from tests.stack import Stack

EXAMPLES_PER_OPERATION = 30
# The spec takes any JSON object as an IPTC ninjs article, so "schema-valid" says nothing about whether an
# object holds a title or a body: a 400 for {"authors": "x"} is right, and that check would call it wrong.
EXCLUDED = [positive_data_acceptance]


def test_ingest_api_answers_as_its_spec_says(stack: Stack) -> None:
    schema = schemathesis.openapi.from_url(f"{stack.ingest_url}/openapi.json")
    failures: dict[str, str] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 6
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(timeout=30, excluded_checks=EXCLUDED)

        try:
            check()
        except Exception as exc:  # noqa: BLE001 - gather every operation's failure, report them together
            failures[operation.label] = str(exc)[:2000]
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
