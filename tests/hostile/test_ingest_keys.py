"""Ingest has search's partner-key model: with INGEST_API_KEYS set, /v1/* needs X-API-Key, each key has its own rate
limit, dead letters are an operator's (INGEST_OPERATOR_KEYS); without keys each client address has a rate limit. The
rate limit's 429 is told apart from the backpressure 429, whose Retry-After stays RETRY_AFTER_S (docs/partner-access.md)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import requests

from tests.hostile.ingesting import ACME, BETA, OPS, ingest_service, key, keyed_ingest
from tests.stack import Stack

LIMIT = 4


@pytest.fixture(scope="module")
def keyed(stack: Stack) -> Iterator[str]:
    with keyed_ingest(stack) as url:
        yield url


def article() -> dict[str, str]:
    return {"title": f"Keyed {uuid.uuid4().hex}", "body": "Sent with a key."}


def test_v1_needs_a_known_key_and_the_probes_do_not(keyed: str) -> None:
    missing = requests.post(f"{keyed}/v1/articles", json=article(), timeout=30)
    assert missing.status_code == 401 and missing.json()["error"]["field"] == "X-API-Key"
    assert requests.post(f"{keyed}/v1/articles", json=article(), headers=key("nope"), timeout=30).status_code == 401
    assert requests.get(f"{keyed}/v1/feeds", timeout=10).status_code == 401
    for secret in (ACME, BETA):  # BETA is known only by its digest, from INGEST_API_KEYS_FILE
        accepted = requests.post(f"{keyed}/v1/articles", json=article(), headers=key(secret), timeout=30)
        assert accepted.status_code == 202, accepted.text
        status = requests.get(f"{keyed}/v1/articles/{accepted.json()['id']}", headers=key(secret), timeout=10)
        assert status.status_code == 200
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json"):
        assert requests.get(f"{keyed}{path}", timeout=10).status_code == 200, path


def test_dead_letters_are_for_operator_keys(keyed: str) -> None:
    listed = requests.get(f"{keyed}/v1/dead-letters", headers=key(ACME), timeout=10)
    assert listed.status_code == 403 and listed.json()["error"]["code"] == "forbidden"
    replay = requests.post(f"{keyed}/v1/dead-letters/{uuid.uuid4().hex[:24]}/replay", headers=key(ACME), timeout=10)
    assert replay.status_code == 403
    assert requests.get(f"{keyed}/v1/dead-letters", headers=key(OPS), timeout=10).status_code == 200
    unknown = requests.post(f"{keyed}/v1/dead-letters/{uuid.uuid4().hex[:24]}/replay", headers=key(OPS), timeout=10)
    assert unknown.status_code == 404


def test_the_spec_says_a_key_is_required(keyed: str) -> None:
    spec = requests.get(f"{keyed}/openapi.json", timeout=10).json()
    assert spec["components"]["securitySchemes"]["apiKey"]["name"] == "X-API-Key"
    assert spec["paths"]["/v1/articles"]["post"]["security"] == [{"apiKey": []}]
    assert {"401", "429"} <= set(spec["paths"]["/v1/feeds/{id}"]["delete"]["responses"])


def test_each_key_has_its_own_rate_limit(stack: Stack) -> None:
    with keyed_ingest(stack, INGEST_RATE_LIMIT=f"{LIMIT}/minute") as url:
        path = f"{url}/v1/articles/{uuid.uuid4().hex[:24]}"  # an unknown id: 404, nothing queued
        answers = [requests.get(path, headers=key(ACME), timeout=10) for _ in range(LIMIT + 1)]
        assert [a.status_code for a in answers] == [404] * LIMIT + [429]
        assert answers[0].headers["X-RateLimit-Limit"] == str(LIMIT)
        assert "Retry-After" not in answers[0].headers  # only a 429 or 503 says when to come back
        over = answers[-1]
        assert over.json()["error"]["code"] == "too_many_requests" and int(over.headers["Retry-After"]) > 0
        assert requests.get(path, headers=key(BETA), timeout=10).status_code == 404  # another key's budget is its own
        metrics = requests.get(f"{url}/metrics", timeout=10).text
        assert 'newsroom_rate_limited_requests_total{key_id="acme",service="ingest"} 1.0' in metrics
        assert ACME not in metrics
    assert not any(ACME in log.read_text(errors="replace") for log in stack.logs.glob("ingest-*.log"))  # names only


def test_without_keys_each_address_has_a_rate_limit_and_backpressure_keeps_its_retry_after(stack: Stack) -> None:
    with ingest_service(stack, INGEST_ADDRESS_RATE_LIMIT=f"{LIMIT}/minute", QUEUE_MAX_DEPTH="0") as url:
        full = requests.post(f"{url}/v1/articles", json=article(), timeout=30)
        assert full.status_code == 429 and full.json()["error"]["code"] == "queue_full"
        assert full.headers["Retry-After"] == str(stack.settings.retry_after_s)  # not the rate limit's window
        path = f"{url}/v1/articles/{uuid.uuid4().hex[:24]}"
        statuses = [requests.get(path, timeout=10).status_code for _ in range(LIMIT)]
        assert statuses == [404] * (LIMIT - 1) + [429]  # the queue_full POST counted too
        assert requests.get(f"{url}/readyz", timeout=10).status_code == 200  # probes are never limited
