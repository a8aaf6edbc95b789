"""A cursor is the service's word, not the client's: signed, short-lived, bound to its API key; points in time are
capped per client, and a client past its cap still pages (on the live index, flagged `paging: live`).

The attacks are the ones a partner found on `make up`: a cursor pointed at another client's point in time (another
index's documents), and the same with a huge page count, which closed that point in time under its owner.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from shared.articles.model import NormalizedArticle
from shared.es import fields
from shared.es.index import index_settings
from shared.es.indexer import bulk_index
from tests.hostile.searching import get, payload_of, put, rewritten, search_service, unique
from tests.stack import Stack, wait_until


def refused_cursor(answer: requests.Response) -> str:
    assert answer.status_code == 400, answer.text[:300]
    error = answer.json()["error"]
    assert error["field"] == "cursor"
    return str(error["message"])


def page_through(url: str, params: dict[str, Any], answer: dict[str, Any], **kwargs: Any) -> list[dict[str, Any]]:
    """Every answer from `answer` to the last page."""
    answers = [answer]
    while answers[-1]["next_cursor"]:
        following = get(url, {**params, "cursor": answers[-1]["next_cursor"]}, **kwargs)
        assert following.status_code == 200, following.text[:300]
        answers.append(following.json())
    return answers


def ids(answers: list[dict[str, Any]]) -> list[str]:
    return [hit["id"] for answer in answers for hit in answer["hits"]]


@pytest.fixture
def victim(stack: Stack) -> Iterator[tuple[str, str, str]]:
    """Another client's point in time, on an index of its own (same mapping), holding a document with the word."""
    index, word = f"{stack.namespace}-victim", unique("shared")
    stack.es.indices.create(index=index, settings=index_settings(), mappings=fields.mappings())
    article = NormalizedArticle(id=unique("secret"), title=f"Private {word}", body=f"{word} only the victim may read.")
    bulk_index(stack.es, index, [article])
    stack.es.indices.refresh(index=index)
    pit = stack.es.open_point_in_time(index=index, keep_alive="5m")["id"]
    try:
        yield pit, word, article.id
    finally:
        stack.es.options(ignore_status=404).close_point_in_time(id=pit)
        stack.es.indices.delete(index=index, ignore_unavailable=True)


def test_a_cursor_pointed_at_another_point_in_time_is_a_400_and_leaves_it_open(
    stack: Stack, victim: tuple[str, str, str]
) -> None:
    pit, word, secret_id = victim
    put(stack, word, 4)
    first = get(stack.search_url, {"q": word, "size": 2}).json()
    assert first["next_cursor"]
    # Read another index's documents (from the top of its order); and close its point in time under its owner.
    for change in ({"p": pit, "a": [1e9, 4102444800000, ""]}, {"p": pit, "n": 10**9}):
        answer = get(stack.search_url, {"q": word, "size": 2, "cursor": rewritten(first["next_cursor"], **change)})
        assert secret_id not in answer.text
        refused_cursor(answer)
    still = stack.es.search(body={"pit": {"id": pit, "keep_alive": "1m"}, "size": 1})  # the owner pages on
    assert [hit["_id"] for hit in still["hits"]["hits"]] == [secret_id]


def test_the_owner_pages_on_after_someone_tampered_with_a_copy_of_its_cursor(stack: Stack) -> None:
    tag = unique("own")
    put(stack, tag, 6)
    first = get(stack.search_url, {"q": tag, "size": 2}).json()
    refused_cursor(get(stack.search_url, {"q": tag, "size": 2, "cursor": rewritten(first["next_cursor"], n=10**9)}))
    assert len(ids(page_through(stack.search_url, {"q": tag, "size": 2}, first))) == 6


def test_every_worker_and_a_restart_read_the_same_cursors(stack: Stack) -> None:
    tag = unique("workers")
    articles = put(stack, tag, 12)
    params = {"q": tag, "size": 2, "sort": "newest"}
    with search_service(stack, "search-before-restart") as before:
        first = get(before, params).json()
    payload, signature = payload_of(first["next_cursor"])
    assert signature.startswith(".") and payload["e"]  # signed, with its expiry
    assert stack.redis.get(stack.settings.redis_key("search", "cursor-secret"))  # the one secret, in Redis
    with search_service(stack, "search-after-restart") as after:  # other processes, started later
        assert sorted(ids(page_through(after, params, first))) == sorted(articles)


@pytest.fixture(scope="module")
def capped(stack: Stack) -> Iterator[str]:
    # Behind one trusted proxy: the test is a client address of its own (every other test is 127.0.0.1).
    with search_service(stack, "search-pit-cap", SEARCH_PIT_MAX_PER_CLIENT="2", SEARCH_TRUSTED_PROXIES="1") as url:
        yield url


def held_slots(stack: Stack, address: str) -> int:
    owner = hashlib.sha256(f"addr:{address}".encode()).hexdigest()[:16]
    return int(stack.redis.zcard(stack.settings.redis_key("search", "pits", owner)))


def test_past_its_cap_a_client_pages_without_a_point_in_time(stack: Stack, capped: str) -> None:
    tag, address = unique("cap"), "198.51.100.9"
    articles = put(stack, tag, 13)
    params, client = {"q": tag, "size": 5}, {"headers": {"X-Forwarded-For": address}}
    first = [get(capped, params, **client).json() for _ in range(3)]
    assert [answer["paging"] for answer in first] == ["stable", "stable", "live"]
    assert held_slots(stack, address) == 2
    assert get(capped, params, headers={"X-Forwarded-For": "198.51.100.10"}).json()["paging"] == "stable"  # its own cap
    live = page_through(capped, params, first[2], **client)
    assert {answer["paging"] for answer in live} == {"live"}
    assert sorted(ids(live)) == sorted(articles)  # nothing arrived meanwhile: nothing repeated or skipped
    page_through(capped, params, first[0], **client)  # its last page closes its point in time, gives the slot back
    wait_until(lambda: held_slots(stack, address) == 1, 10, what="the slot given back")
    assert get(capped, params, **client).json()["paging"] == "stable"


@pytest.fixture(scope="module")
def keyed(stack: Stack) -> Iterator[str]:
    with search_service(stack, "search-keyed", SEARCH_API_KEYS="acme:acme-key-0123456789,beta:beta-key-0123456789") as url:
        yield url


def test_a_cursor_of_one_partner_is_a_400_for_another(stack: Stack, keyed: str) -> None:
    tag = unique("keyed")
    put(stack, tag, 5)
    params = {"q": tag, "size": 2}
    first = get(keyed, params, headers={"X-API-Key": "acme-key-0123456789"}).json()
    refused_cursor(get(keyed, {**params, "cursor": first["next_cursor"]}, headers={"X-API-Key": "beta-key-0123456789"}))
    own = get(keyed, {**params, "cursor": first["next_cursor"]}, headers={"X-API-Key": "acme-key-0123456789"})
    assert own.status_code == 200
