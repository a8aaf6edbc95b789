"""A partner's whole path: a topic with a webhook made through the API, an article ingested, a signed delivery that a
Standard Webhooks library verifies with the secret the topic's creation showed, carrying the match event."""

from __future__ import annotations

import json
import sys
import uuid
from collections.abc import Iterator

import pytest
import requests
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.integration.test_webhook_delivery import Receiver
from tests.stack import Stack, free_port, wait_until


@pytest.fixture(scope="module")
def hooked(stack: Stack) -> Iterator[tuple[str, Receiver]]:
    """A search service and the deliverer that may reach a receiver on 127.0.0.1 (the default allows public addresses)."""
    env = {"WEBHOOK_FETCH_ADDRESSES": "loopback", "WEBHOOKS_METRICS_PORT": "0"}
    url = stack.start_gunicorn("search-hooked", free_port(), "services.search.wsgi:app", env)
    stack.start("webhooks", [sys.executable, "-m", "services.webhooks"], env=env)
    receiver = Receiver(answer=lambda n: (500, 0.0) if n == 0 else (204, 0.0)).start()  # the first attempt fails
    try:
        yield url, receiver
    finally:
        receiver.stop()
        stack.stop("webhooks")
        stack.stop("search-hooked")


def test_a_partner_receives_each_match_signed_and_verifiable(stack: Stack, hooked: tuple[str, Receiver]) -> None:
    url, receiver = hooked
    word = f"w{uuid.uuid4().hex[:8]}"
    made = requests.post(f"{url}/v1/topics", json={"name": word, "query": {"q": word}, "webhook_url": receiver.url}, timeout=10)
    assert made.status_code == 201, made.text
    topic = made.json()
    article = {
        "title": f"Mudslide {word} cuts the road",
        "body": f"A mudslide named {word} cut the road. " * 6,
        "url": f"https://n.example/{word}",
    }
    answer = stack.post("/v1/articles", json=article)
    assert answer.status_code == 202
    wait_until(lambda: len(receiver.got) >= 2, 60, what="the delivery, once refused, then accepted")
    first, second = receiver.got[:2]
    assert first.headers["webhook-id"] == second.headers["webhook-id"]  # a redelivery keeps its id
    for got in (first, second):
        event = Webhook(topic["webhook_secret"]).verify(got.body, got.headers)
        assert event["topic_id"] == topic["id"] and event["article"]["id"] == answer.json()["id"]
    assert json.loads(second.body)["article"]["title"] == article["title"]
    tampered = second.body.replace(word.encode(), b"forged")
    with pytest.raises(WebhookVerificationError):
        Webhook(topic["webhook_secret"]).verify(tampered, second.headers)
    wait_until(lambda: stack.redis.hlen(f"{stack.namespace}:webhooks:deliveries") == 0, 10, what="the delivery to be done")
    assert len(receiver.got) == 2
