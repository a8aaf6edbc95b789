"""With ingest keys, a feed belongs to the key that subscribed it: another key neither lists, reads, polls nor
deletes it (404, as if it did not exist), and subscribing the same URL gives that key a feed of its own; an operator
key sees every feed. A poll interval below FEED_MIN_INTERVAL_S (60 s) is a 400 (docs/partner-access.md)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import requests

from tests.hostile.ingesting import ACME, BETA, OPS, ingest_service, key, keyed_ingest
from tests.stack import Stack


@pytest.fixture(scope="module")
def keyed(stack: Stack) -> Iterator[str]:
    with keyed_ingest(stack) as url:
        yield url


def subscribe(url: str, secret: str, feed_url: str, interval_s: int = 600) -> requests.Response:
    return requests.post(f"{url}/v1/feeds", json={"url": feed_url, "interval_s": interval_s}, headers=key(secret), timeout=30)


def listed(url: str, secret: str) -> set[str]:
    return {feed["id"] for feed in requests.get(f"{url}/v1/feeds", headers=key(secret), timeout=10).json()["items"]}


def test_a_key_sees_polls_and_deletes_only_its_own_feeds(keyed: str) -> None:
    created = subscribe(keyed, ACME, f"https://feeds.example/{uuid.uuid4().hex}.xml")
    assert created.status_code == 201, created.text
    fid = created.json()["id"]
    assert created.json()["owner"] == "acme"
    assert fid in listed(keyed, ACME) and fid not in listed(keyed, BETA)
    for method, path in (("GET", ""), ("POST", "/poll"), ("DELETE", "")):
        other = requests.request(method, f"{keyed}/v1/feeds/{fid}{path}", headers=key(BETA), timeout=10)
        assert other.status_code == 404, (method, path, other.text)
        assert other.json()["error"]["code"] == "not_found"
    assert requests.get(f"{keyed}/v1/feeds/{fid}", headers=key(ACME), timeout=10).status_code == 200  # still there
    assert requests.post(f"{keyed}/v1/feeds/{fid}/poll", headers=key(ACME), timeout=10).status_code == 202
    assert fid in listed(keyed, OPS)  # an operator sees every feed
    assert requests.get(f"{keyed}/v1/feeds/{fid}", headers=key(OPS), timeout=10).status_code == 200
    assert requests.delete(f"{keyed}/v1/feeds/{fid}", headers=key(ACME), timeout=10).status_code == 204
    assert fid not in listed(keyed, ACME)


def test_the_same_url_is_a_feed_of_each_key(keyed: str) -> None:
    feed_url = f"https://feeds.example/{uuid.uuid4().hex}.xml"
    mine, theirs = subscribe(keyed, ACME, feed_url), subscribe(keyed, BETA, feed_url)
    assert mine.status_code == 201 and theirs.status_code == 201  # beta learns nothing of acme's subscription
    assert mine.json()["id"] != theirs.json()["id"]
    assert theirs.json()["owner"] == "beta"
    again = subscribe(keyed, ACME, feed_url, interval_s=900)
    assert again.status_code == 200 and again.json()["id"] == mine.json()["id"]
    theirs_now = requests.get(f"{keyed}/v1/feeds/{theirs.json()['id']}", headers=key(BETA), timeout=10).json()
    assert theirs_now["interval_s"] == 600  # acme's change touched only acme's feed


@pytest.mark.parametrize("with_keys", [True, False], ids=["keys", "no-keys"])
def test_a_poll_interval_below_the_minimum_is_a_400(stack: Stack, keyed: str, with_keys: bool) -> None:
    feed_url = f"https://feeds.example/{uuid.uuid4().hex}.xml"
    if with_keys:
        too_often, fine = subscribe(keyed, ACME, feed_url, interval_s=59), subscribe(keyed, ACME, feed_url, interval_s=60)
    else:
        too_often = requests.post(f"{stack.ingest_url}/v1/feeds", json={"url": feed_url, "interval_s": 59}, timeout=30)
        fine = requests.post(f"{stack.ingest_url}/v1/feeds", json={"url": feed_url, "interval_s": 60}, timeout=30)
    assert too_often.status_code == 400 and too_often.json()["error"]["field"] == "interval_s", too_often.text
    assert fine.status_code == 201, fine.text
    spec = requests.get(f"{stack.ingest_url}/openapi.json", timeout=10).json()
    ref = spec["paths"]["/v1/feeds"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]  # the FeedIn model that checks a subscription
    assert schema["properties"]["interval_s"]["minimum"] == 60


def test_without_keys_every_feed_is_everyones(stack: Stack) -> None:
    with ingest_service(stack) as url:
        fid = requests.post(f"{url}/v1/feeds", json={"url": f"https://feeds.example/{uuid.uuid4().hex}"}, timeout=30).json()["id"]
        assert requests.get(f"{url}/v1/feeds/{fid}", timeout=10).json()["owner"] is None
        assert fid in {f["id"] for f in requests.get(f"{url}/v1/feeds", timeout=10).json()["items"]}
