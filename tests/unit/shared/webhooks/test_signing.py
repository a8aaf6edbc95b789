"""Our signatures as the official Standard Webhooks library verifies them."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from shared.webhooks import signing

BODY = json.dumps({"topic_id": "t1", "article": {"id": "a1", "title": "Flood — Zürich"}, "matched_at": "2025-01-01T00:00:00Z"})


def test_a_new_secret_is_whsec_and_32_random_bytes() -> None:
    secret = signing.new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert secret != signing.new_secret()


def test_the_official_library_verifies_our_signature() -> None:
    secret = signing.new_secret()
    headers = signing.headers(secret, "evt_t1_1-0", BODY)
    assert headers["Content-Type"] == "application/json"
    assert Webhook(secret).verify(BODY, headers) == json.loads(BODY)
    assert Webhook(secret).verify(BODY.encode(), headers) == json.loads(BODY)  # the bytes we post


def test_the_signature_is_the_libraries_own() -> None:
    secret = signing.new_secret()
    when = int(time.time())
    theirs = Webhook(secret).sign("msg_1", datetime.fromtimestamp(when, tz=UTC), BODY)
    assert signing.sign(secret, "msg_1", when, BODY) == theirs
    assert signing.sign(secret.removeprefix("whsec_"), "msg_1", when, BODY.encode()) == theirs


def test_a_tampered_body_id_or_secret_fails() -> None:
    secret = signing.new_secret()
    headers = signing.headers(secret, "evt_t1_1-0", BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace("Flood", "Fire"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY, {**headers, "webhook-id": "evt_t1_2-0"})
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.new_secret()).verify(BODY, headers)


def test_the_timestamp_is_this_attempts_second() -> None:
    secret = signing.new_secret()
    old = signing.headers(secret, "evt_1", BODY, timestamp=int(time.time()) - 3600)
    assert old["webhook-timestamp"] == str(int(time.time()) - 3600)
    with pytest.raises(WebhookVerificationError, match="too old"):  # a receiver refuses a replayed old attempt
        Webhook(secret).verify(BODY, old)
    now = signing.headers(secret, "evt_1", BODY)
    assert abs(int(now["webhook-timestamp"]) - time.time()) < 2


@pytest.mark.parametrize("secret", ["whsec_", "whsec_not base64!", ""])
def test_a_bad_secret_is_refused(secret: str) -> None:
    with pytest.raises(signing.BadSecret):
        signing.sign(secret, "evt_1", 1, BODY)
