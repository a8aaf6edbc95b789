"""Topics on the live system: saved, checked like searches, owned by their key, and matched as articles are indexed
(each new match an event on the topic's stream, once, whatever is sent again)."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from shared.topics.keys import TopicKeys
from tests.integration.test_metrics import scrape, value, worker_url
from tests.stack import Stack, free_port, wait_until

KEY_ACME, KEY_BETA = "acme-topics-0123456789", "beta-topics-9876543210"


def create(url: str, body: dict[str, Any], key: str | None = None) -> requests.Response:
    headers = {"X-API-Key": key} if key else {}
    return requests.post(f"{url}/v1/topics", json=body, headers=headers, timeout=10)


def events(stack: Stack, topic_id: str) -> list[dict[str, Any]]:
    entries = stack.redis.xrange(TopicKeys(stack.settings).events(topic_id))
    return [json.loads(fields[b"data"]) for _id, fields in entries]


def ingest(stack: Stack, word: str, url: str, body: str | None = None, country: str = "Kazakhstan") -> str:
    article = {
        "title": f"Avalanche {word} closes mountain pass",
        "body": body
        or f"ASTANA, {country} — An avalanche named {word} closed the pass on Tuesday. " + "Rescuers worked all night. " * 8,
        "url": url,
        "source": "Topic Wire",
        "published_at": "2026-11-30T08:00:00+05:00",
        "language": "en",
    }
    answer = stack.post("/v1/articles", json=article)
    assert answer.status_code == 202, answer.text
    article_id: str = answer.json()["id"]
    return article_id


def test_a_topic_is_saved_read_changed_and_deleted(stack: Stack) -> None:
    made = create(stack.search_url, {"name": "Floods", "query": {"q": "flood", "country": "kz"}})
    assert made.status_code == 201, made.text
    topic = made.json()
    assert topic["query"] == {"q": "flood", "country": "kz"} and topic["webhook_url"] is None and "webhook_secret" not in topic
    url = f"{stack.search_url}/v1/topics/{topic['id']}"
    assert requests.get(url, timeout=10).json() == topic
    assert topic["id"] in [t["id"] for t in requests.get(f"{stack.search_url}/v1/topics", timeout=10).json()["items"]]
    changed = requests.patch(url, json={"name": "Floods in Kazakhstan"}, timeout=10)
    assert changed.status_code == 200 and changed.json()["name"] == "Floods in Kazakhstan"
    assert requests.delete(url, timeout=10).status_code == 204
    assert requests.get(url, timeout=10).status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [({"q": "a*"}, "q"), ({"country": "Atlantis"}, "country"), ({"within": "5km"}, "within"), ({"sort": "newest"}, "sort")],
)
def test_a_bad_topic_query_is_the_400_a_search_gets(stack: Stack, query: dict[str, str], field: str) -> None:
    answer = create(stack.search_url, {"name": "bad", "query": query})
    assert answer.status_code == 400 and answer.json()["error"]["field"] == field
    if field != "sort":  # a search takes sort; a topic does not (it has no order)
        search = requests.get(f"{stack.search_url}/v1/search", params=query, timeout=10).json()
        assert answer.json() == search


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"query": {"q": "x"}}, "name"),
        ({"name": "x", "query": {"q": "x"}, "colour": "red"}, "colour"),
        ({"name": "x", "webhook_url": "ftp://example.com/hook"}, "webhook_url"),
        ({"name": "x", "webhook_url": "http://127.0.0.1:6379/"}, "webhook_url"),  # the address guard: public only
        ({"name": "x", "webhook_url": "http://169.254.169.254/latest"}, "webhook_url"),
    ],
)
def test_a_bad_topic_body_is_a_400_naming_the_field(stack: Stack, body: dict[str, Any], field: str) -> None:
    answer = create(stack.search_url, body)
    assert answer.status_code == 400 and answer.json()["error"]["field"] == field, answer.text


def test_a_webhook_secret_is_shown_once(stack: Stack) -> None:
    made = create(stack.search_url, {"name": "hooked", "query": {"q": "x"}, "webhook_url": "https://hooks.example.com/n"}).json()
    assert made["webhook_secret"].startswith("whsec_")
    shown = requests.get(f"{stack.search_url}/v1/topics/{made['id']}", timeout=10).json()
    assert "webhook_secret" not in shown or shown["webhook_secret"] is None


def matched_batches(stack: Stack, indexer: str) -> dict[str, float]:
    """Batches the indexer matched, by whether the index was refreshed for them or their bulk write's wait for the
    scheduled refresh left them readable (ADR 0034)."""
    samples = scrape(worker_url(stack, indexer))
    return {answer: value(samples, "newsroom_topic_match_refreshes_total", refreshed=answer) for answer in ("yes", "no")}


def test_matches_arrive_once_per_story_whatever_is_sent_again(stack: Stack) -> None:
    word = f"w{uuid.uuid4().hex[:8]}"
    topic = create(stack.search_url, {"name": word, "query": {"q": f"avalanche {word}", "country": "KZ"}}).json()
    elsewhere = create(stack.search_url, {"name": word, "query": {"q": word, "country": "DE"}}).json()
    first = ingest(stack, word, f"https://news.example/{word}/1")
    stack.wait_status(first)
    wait_until(lambda: events(stack, topic["id"]), 30, what="the match event")
    seen = events(stack, topic["id"])
    assert [e["article"]["id"] for e in seen] == [first]
    assert seen[0]["topic_id"] == topic["id"] and seen[0]["article"]["location"]["country_code"] == "KZ"
    # The same article again, and a near-duplicate under another URL: indexed, but no second event.
    again = ingest(stack, word, f"https://news.example/{word}/1")
    copy = ingest(stack, word, f"https://mirror.example/{word}")
    assert again == first
    assert stack.wait_status(copy, ("indexed", "duplicate"))["status"] == "duplicate"
    stack.wait_status(again)
    later = (
        "ASTANA, Kazakhstan — A different story altogether about avalanche "
        + word
        + ": the ski season opens. "
        + "Lifts run again. " * 8
    )
    other = ingest(stack, word, f"https://news.example/{word}/2", body=later)  # once it is matched, the others were
    stack.wait_status(other)
    assert [e["article"]["id"] for e in events(stack, topic["id"])] == [first, other]
    assert events(stack, elsewhere["id"]) == []


def test_an_indexer_set_to_match_after_the_scheduled_refresh_refreshes_no_batch_of_its_own(stack: Stack) -> None:
    """TOPIC_MATCH_AFTER_REFRESH (ADR 0034): the bulk write waits for the index's scheduled refresh, and the batch is
    matched as that refresh left it; each story still matched once."""
    stack.stop("indexer")
    stack.start_indexer("indexer-after-refresh", {"TOPIC_MATCH_AFTER_REFRESH": "true", "INDEXER_CONCURRENCY": "8"})
    try:
        before = matched_batches(stack, "indexer-after-refresh")
        word = f"w{uuid.uuid4().hex[:8]}"
        topic = create(stack.search_url, {"name": word, "query": {"q": f"avalanche {word}"}}).json()
        sent = []
        for n in range(4):  # one by one: a batch each
            words = " ".join(uuid.uuid4().hex[:7] for _ in range(60))  # stories of their own, no near-duplicates
            body = f"ASTANA, Kazakhstan — Avalanche {word}, story {n}: {words}."
            sent.append(ingest(stack, word, f"https://news.example/{word}/{n}", body=body))
            stack.wait_status(sent[-1])
        wait_until(lambda: len(events(stack, topic["id"])) == 4, 30, what="the four match events")
        assert sorted(e["article"]["id"] for e in events(stack, topic["id"])) == sorted(sent)
        # The first batch may precede the indexer's knowing of topics; each later one waited for the scheduled refresh.
        after = matched_batches(stack, "indexer-after-refresh")
        assert after["yes"] - before["yes"] <= 1 and after["no"] - before["no"] >= 3, (before, after)
    finally:
        stack.stop("indexer-after-refresh")
        stack.start_indexer()


def test_with_topics_saved_the_indexer_writes_larger_batches(stack: Stack) -> None:
    """TOPIC_BATCH_WAIT_S (ADR 0036): with topics saved a batch waits for more articles than the flush timer's 0.2 s
    tick would give it, so that its matching's costs are shared: ten articles sent one every 0.1 s go in one or two
    bulk requests (five or more, one a tick, without the wait). The wait is set well above the second the sending
    takes, so that a slow moment of a shared machine does not split them into a third."""
    name = "indexer-batch-wait"
    stack.stop("indexer")
    stack.start_indexer(name, {"TOPIC_BATCH_WAIT_S": "3"})
    try:
        word = f"w{uuid.uuid4().hex[:8]}"
        topic = create(stack.search_url, {"name": word, "query": {"q": f"avalanche {word}"}}).json()
        sent = [ingest(stack, word, f"https://news.example/{word}/first", body=story(word, "first"))]
        stack.wait_status(sent[0])  # its batch built the indexer's matcher: the indexer knows of topics now
        before = bulk_requests(stack, name)
        for n in range(10):
            sent.append(ingest(stack, word, f"https://news.example/{word}/{n}", body=story(word, str(n))))
            time.sleep(0.1)
        for article_id in sent:
            stack.wait_status(article_id)
        assert bulk_requests(stack, name) - before <= 2
        wait_until(lambda: len(events(stack, topic["id"])) == 11, 30, what="the eleven match events")
    finally:
        stack.stop(name)
        stack.start_indexer()


def story(word: str, n: str) -> str:
    words = " ".join(uuid.uuid4().hex[:7] for _ in range(60))  # a story of its own: no near-duplicate of another test's
    return f"ASTANA, Kazakhstan — {word} {n}: {words}."


def bulk_requests(stack: Stack, indexer: str) -> float:
    return value(scrape(worker_url(stack, indexer)), "newsroom_es_bulk_duration_seconds_count")


@pytest.fixture(scope="module")
def keyed_url(stack: Stack) -> Iterator[str]:
    env = {"SEARCH_API_KEYS": f"acme:{KEY_ACME},beta:{KEY_BETA}", "TOPICS_PER_KEY": "2"}
    yield stack.start_gunicorn("search-topics-keys", free_port(), "services.search.wsgi:app", env)
    stack.stop("search-topics-keys")


def test_a_topic_belongs_to_its_key_within_a_quota(keyed_url: str) -> None:
    mine = create(keyed_url, {"name": "acme's", "query": {"q": "flood"}}, KEY_ACME).json()
    url = f"{keyed_url}/v1/topics/{mine['id']}"
    assert requests.get(url, headers={"X-API-Key": KEY_BETA}, timeout=10).status_code == 404
    assert requests.delete(url, headers={"X-API-Key": KEY_BETA}, timeout=10).status_code == 404
    assert requests.get(f"{keyed_url}/v1/topics", headers={"X-API-Key": KEY_BETA}, timeout=10).json() == {"items": []}
    assert create(keyed_url, {"name": "second", "query": {}}, KEY_ACME).status_code == 201
    over = create(keyed_url, {"name": "third", "query": {}}, KEY_ACME)
    assert over.status_code == 409 and over.json()["error"]["code"] == "topic_quota"
    assert create(keyed_url, {"name": "beta's first", "query": {}}, KEY_BETA).status_code == 201
    assert requests.get(url, headers={"X-API-Key": KEY_ACME}, timeout=10).status_code == 200
