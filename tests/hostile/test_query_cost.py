"""What one search may cost: bounded prefix expansion and geo facet precision, Elasticsearch's time budget with partial
answers flagged, and a rate limit per client address when no API keys are configured.

The partner's query (64 one-letter prefix terms with a precision-8 geo facet) took 2-3 s alone and 8 s six at a
time on 20,000 articles; the figures are in docs/search-limits.md (`python -m tests.bench.query_cost`). These tests
assert the limits, never a duration.
"""

from __future__ import annotations

import string
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from flask import Flask

from services.search.app import create_app
from shared.settings import Settings
from tests.hostile.searching import get, put, search_service, unique
from tests.stack import Stack

PARTNERS_QUERY = " ".join(c + "*" for c in (string.ascii_lowercase * 3)[:64])
EMPTY_AGGS = {name: {"values": {"buckets": []}} for name in ("location", "country", "source", "language", "published")}


def field_of(answer: requests.Response) -> str | None:
    assert answer.status_code == 400, answer.text[:300]
    error = answer.json()["error"]
    assert "exception" not in error["message"].lower()
    return error["field"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "q",
    [
        PARTNERS_QUERY,
        " OR ".join(f"{a}{b}*" for a, b in zip("abcdefghi", "jklmnopqr", strict=True)),  # 9 prefix terms
        "a* flood",  # one letter expands to a 26th of every field's words
        "*",  # no letter: all of them
        '"exact phrase"*',
        "ab-x*",  # the stems' prefix is the last part, x
    ],
)
def test_too_many_or_too_short_prefix_terms_are_a_400_on_q(stack: Stack, q: str) -> None:
    assert field_of(stack.search(q=q, facets="geo")) == "q"


def test_eight_prefix_terms_of_two_letters_run(stack: Stack) -> None:
    answer = stack.search(q=" OR ".join(f"{a}{b}*" for a, b in zip("abcdefgh", "jklmnopq", strict=True)))
    assert answer.status_code == 200 and answer.json()["partial"] is False


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"geo_precision": "8"}, 400),  # the whole world at 8: a trillion cells
        ({"geo_precision": "4"}, 400),
        ({"geo_precision": "3"}, 200),
        ({"geo_precision": "8", "near": "43.25,76.95", "within": "1km"}, 200),
        ({"geo_precision": "8", "near": "43.25,76.95", "within": "50km"}, 400),
        ({"geo_precision": "6", "near": "43.25,76.95", "within": "50km"}, 200),
        ({"geo_precision": "4", "bbox": "60,40,35,90"}, 200),
        ({"geo_precision": "5", "bbox": "60,40,35,90"}, 400),
    ],
)
def test_geo_facet_precision_is_bounded_by_the_area(stack: Stack, params: dict[str, str], status: int) -> None:
    answer = stack.search(facets="geo", **params)
    if status == 400:
        assert field_of(answer) == "geo_precision"
    else:
        assert answer.status_code == 200, answer.text[:300]
        assert answer.json()["partial"] is False


# Elasticsearch's time budget, on a fake engine that answers as a timed-out or failed shard does.


class FakeResponse:
    def __init__(self, body: dict[str, Any]):
        self.body = body

    def get(self, key: str, default: Any = None) -> Any:
        return self.body.get(key, default)

    def __getitem__(self, key: str) -> Any:
        return self.body[key]


class FakeEs:
    def __init__(self, answer: dict[str, Any]):
        self.answer, self.bodies, self.options_asked = answer, [], []  # type: ignore[var-annotated]

    def options(self, **kwargs: Any) -> FakeEs:
        self.options_asked.append(kwargs)
        return self

    def search(self, index: str | None = None, body: dict[str, Any] | None = None, **_: Any) -> FakeResponse:
        self.bodies.append(body)
        return FakeResponse(self.answer)

    def open_point_in_time(self, **_: Any) -> dict[str, str]:
        return {"id": "pit-1"}

    def close_point_in_time(self, **_: Any) -> None:
        return None


def answer(timed_out: bool = False, failed: int = 0) -> dict[str, Any]:
    shards = {"total": 1, "successful": 1 - failed, "skipped": 0, "failed": failed}
    hits = {"total": {"value": 0, "relation": "eq"}, "hits": []}
    return {"took": 2000, "timed_out": timed_out, "_shards": shards, "hits": hits, "aggregations": EMPTY_AGGS}


@pytest.fixture
def app(stack: Stack) -> Iterator[Flask]:
    settings = Settings(namespace=f"test-fake-{uuid.uuid4().hex[:8]}", search_timeout="750ms", search_address_rate_limit="")
    yield create_app(settings)
    for key in stack.redis.scan_iter(f"{settings.namespace}:*"):
        stack.redis.delete(key)


@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_every_search_carries_the_time_budget_and_a_timeout_is_not_sent_again(app: Flask, sort: str) -> None:
    fake = FakeEs(answer())
    app.extensions["es"] = fake
    reply = app.test_client().get("/v1/search", query_string={"q": "flood", "sort": sort})
    assert reply.status_code == 200
    assert [body["timeout"] for body in fake.bodies] == ["750ms"]
    assert {"retry_on_timeout": False} in fake.options_asked


@pytest.mark.parametrize(("timed_out", "failed"), [(True, 0), (False, 1), (False, 0)])
def test_an_answer_cut_short_is_flagged_partial(app: Flask, timed_out: bool, failed: int) -> None:
    app.extensions["es"] = FakeEs(answer(timed_out, failed))
    reply = app.test_client().get("/v1/search", query_string={"q": "flood"})
    assert reply.status_code == 200
    assert reply.get_json()["partial"] is (timed_out or failed > 0)


def test_the_live_answer_says_it_is_whole(stack: Stack) -> None:
    tag = unique("whole")
    put(stack, tag, 2)
    body = get(stack.search_url, {"q": tag}).json()
    assert body["partial"] is False and body["total"] == 2


# A rate limit per client address when no keys are configured; behind a proxy, per forwarded address.


@pytest.fixture(scope="module")
def limited(stack: Stack) -> Iterator[str]:
    with search_service(stack, "search-address-limit", SEARCH_ADDRESS_RATE_LIMIT="3/minute", SEARCH_TRUSTED_PROXIES="1") as url:
        yield url


def test_without_keys_each_address_has_a_rate_limit(limited: str) -> None:
    client = {"X-Forwarded-For": "203.0.113.7"}
    answers = [requests.get(f"{limited}/v1/suggest", params={"q": "x"}, headers=client, timeout=10) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0].headers["X-RateLimit-Limit"] == "3"
    assert int(answers[3].headers["Retry-After"]) > 0
    assert answers[3].json()["error"]["code"] == "too_many_requests"
    other = requests.get(f"{limited}/v1/search", headers={"X-Forwarded-For": "203.0.113.8"}, timeout=10)
    assert other.status_code == 200  # another address is not held back by the first
    assert requests.get(f"{limited}/", headers=client, timeout=10).status_code == 200  # the page and probes are not limited
    assert requests.get(f"{limited}/readyz", headers=client, timeout=10).status_code == 200
