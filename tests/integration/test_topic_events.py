"""`GET /v1/topics/<id>/events` on a live search service (API keys, short streams, a cap of two per key), its events
put on the topic's Redis stream the way the indexer puts them: one field `data`, the event's JSON."""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from collections.abc import Iterator

import pytest
import requests

from shared.topics.keys import TopicKeys
from tests.stack import ROOT, Stack, free_port, gunicorn_argv, wait_until

# A key per test: a stream a client has closed holds its slot until the service next writes to it (at most MAX_S here).
KEYS = {name: f"{name}-events-{uuid.uuid4().hex}" for name in ("order", "resume", "gap", "life", "cap", "other", "owner")}
MAX_S = 4.0
CAP = 2


def serve(stack: Stack, name: str, env: dict[str, str], ready: str = "/readyz") -> Iterator[str]:
    port = free_port()
    with open(stack.logs / f"{name}.log", "ab") as out:
        proc = subprocess.Popen(
            gunicorn_argv(port, "services.search.wsgi:app"),
            cwd=ROOT,
            env={**stack.env, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: requests.get(f"{url}{ready}", timeout=2).ok, 60, what=f"{name} {ready}")
        yield url
    finally:
        proc.terminate()
        proc.wait(30)


@pytest.fixture(scope="module")
def url(stack: Stack) -> Iterator[str]:
    env = {
        "SEARCH_API_KEYS": ",".join(f"{name}:{key}" for name, key in KEYS.items()),
        "TOPIC_STREAM_MAX_S": str(MAX_S),
        "TOPIC_STREAMS_PER_CLIENT": str(CAP),
    }
    yield from serve(stack, "search-topic-events", env)


def topic(url: str, who: str) -> str:
    made = requests.post(
        f"{url}/v1/topics", json={"name": f"floods {uuid.uuid4().hex[:6]}", "query": {"q": "flood"}}, headers=key(who), timeout=10
    )
    assert made.status_code == 201, made.text
    topic_id: str = made.json()["id"]
    return topic_id


def key(who: str) -> dict[str, str]:
    return {"X-API-Key": KEYS[who]}


def add(stack: Stack, topic_id: str, n: int, maxlen: int | None = None) -> list[str]:
    """Match events as the indexer writes them; their stream ids."""
    ids = []
    for i in range(n):
        event = {
            "topic_id": topic_id,
            "article": {"id": f"a{i}-{uuid.uuid4().hex[:6]}", "title": f"Flood {i}"},
            "matched_at": "now",
        }
        entry = stack.redis.xadd(
            TopicKeys(stack.settings).events(topic_id), {"data": json.dumps(event)}, maxlen=maxlen, approximate=False
        )
        ids.append(entry.decode())
    return ids


def follow(url: str, topic_id: str, who: str, last: str | None = None, param: str | None = None) -> requests.Response:
    headers = {**key(who), **({"Last-Event-ID": last} if last else {})}
    params = {"last_event_id": param} if param else None
    return requests.get(f"{url}/v1/topics/{topic_id}/events", headers=headers, params=params, stream=True, timeout=(5, 20))


def read(response: requests.Response) -> Iterator[dict[str, str]]:
    """The stream's blocks as they arrive: {"id", "event", "data"} for an event, {"comment"} or {"retry"} otherwise."""
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/event-stream")
    buffer = ""
    for chunk in response.iter_content(chunk_size=None):
        buffer += chunk.decode()
        while "\n\n" in buffer:
            block, buffer = buffer.split("\n\n", 1)
            fields: dict[str, str] = {}
            for line in block.split("\n"):
                name, _, value = line.partition(":")
                fields[name or "comment"] = value.removeprefix(" ")
            yield fields


def matches(blocks: Iterator[dict[str, str]], n: int) -> list[dict[str, str]]:
    found = []
    for block in blocks:
        if "event" in block:
            found.append(block)
        if len(found) == n:
            break
    return found


def test_new_events_arrive_in_order_with_their_ids(stack: Stack, url: str) -> None:
    topic_id = topic(url, "order")
    add(stack, topic_id, 2)  # before connecting: not sent without a Last-Event-ID
    with follow(url, topic_id, "order") as response:
        assert response.headers["Cache-Control"] == "no-cache" and response.headers["X-Accel-Buffering"] == "no"
        blocks = read(response)
        assert next(blocks) == {"retry": "3000"}
        ids = add(stack, topic_id, 3)
        got = matches(blocks, 3)
    assert [b["id"] for b in got] == ids and {b["event"] for b in got} == {"match"}
    assert [json.loads(b["data"])["article"]["title"] for b in got] == ["Flood 0", "Flood 1", "Flood 2"]


def test_resuming_sends_exactly_the_events_after_the_last_one_seen(stack: Stack, url: str) -> None:
    topic_id = topic(url, "resume")
    ids = add(stack, topic_id, 5)
    with follow(url, topic_id, "resume", last=ids[1]) as response:
        blocks = read(response)
        assert [b["id"] for b in matches(blocks, 3)] == ids[2:]
        later = add(stack, topic_id, 1)
        assert [b["id"] for b in matches(blocks, 1)] == later
    with follow(url, topic_id, "resume", param=ids[3]) as response:  # for clients that cannot set the header
        assert [b["id"] for b in matches(read(response), 2)] == [ids[4], *later]


def test_a_resume_older_than_the_backlog_gets_a_gap_then_what_is_left(stack: Stack, url: str) -> None:
    topic_id = topic(url, "gap")
    ids = add(stack, topic_id, 8, maxlen=3)  # the first five trimmed
    with follow(url, topic_id, "gap", last=ids[0]) as response:
        gap, *kept = matches(read(response), 4)
    assert gap["event"] == "gap" and "id" not in gap
    assert json.loads(gap["data"])["first_event_id"] == ids[5] and json.loads(gap["data"])["last_event_id"] == ids[0]
    assert [b["id"] for b in kept] == ids[5:]
    with follow(url, topic_id, "gap", last=ids[5]) as response:  # the oldest one kept was seen: nothing is missing
        assert [b.get("id") for b in matches(read(response), 2)] == ids[6:]


def test_a_stream_ends_after_its_lifetime_and_a_reconnect_misses_nothing(stack: Stack, url: str) -> None:
    topic_id = topic(url, "life")
    started = time.monotonic()
    with follow(url, topic_id, "life") as response:
        seen = [b["id"] for b in read(response) if "id" in b]  # to its end
    assert MAX_S - 0.5 <= time.monotonic() - started < MAX_S + 3
    assert seen == []
    missed = add(stack, topic_id, 2)  # while the client was away
    with follow(url, topic_id, "life", last=missed[0]) as response:
        assert [b["id"] for b in matches(read(response), 1)] == missed[1:]


def test_each_key_holds_at_most_its_cap_of_streams(stack: Stack, url: str) -> None:
    topic_id = topic(url, "cap")
    held = [follow(url, topic_id, "cap") for _ in range(CAP)]
    assert [r.status_code for r in held] == [200] * CAP
    over = follow(url, topic_id, "cap")
    assert over.status_code == 429, over.text
    assert int(over.headers["Retry-After"]) > 0 and over.json()["error"]["code"] == "too_many_streams"
    other = follow(url, topic(url, "other"), "other")  # another key's streams are its own
    assert other.status_code == 200
    for response in [*held, other]:
        response.close()

    def one_more() -> bool:
        with follow(url, topic_id, "cap") as response:
            return response.status_code == 200

    wait_until(one_more, MAX_S + 5, 0.5, what="a slot given back when a stream ends")  # every stream ends by MAX_S


def test_another_keys_topic_and_an_unknown_one_are_404(url: str) -> None:
    topic_id = topic(url, "owner")
    for who, wanted in (("other", topic_id), ("owner", "t_0000000000000000")):
        answer = follow(url, wanted, who)
        assert answer.status_code == 404 and answer.json()["error"] == {
            "code": "not_found",
            "message": f"no topic {wanted}",
            "field": "id",
        }
    assert follow(url, topic_id, "owner", last="not-an-id").status_code == 400


@pytest.fixture(scope="module")
def without_redis(stack: Stack) -> Iterator[requests.Response]:
    """The answer of a search service whose Redis is not there."""
    env = {"REDIS_URL": f"redis://127.0.0.1:{free_port()}/0", "REDIS_CONNECT_TIMEOUT_S": "0.5"}
    for away in serve(stack, "search-topic-events-no-redis", env, ready="/healthz"):
        yield requests.get(f"{away}/v1/topics/t_0000000000000000/events", timeout=20)


def test_without_redis_the_stream_is_a_503(without_redis: requests.Response) -> None:
    assert without_redis.status_code == 503, without_redis.text
    assert without_redis.json()["error"]["code"] == "unavailable"


def test_without_redis_the_503_says_when_to_retry(without_redis: requests.Response) -> None:
    assert without_redis.headers["Retry-After"] == "5"
