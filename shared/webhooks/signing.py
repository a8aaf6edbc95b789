"""Standard Webhooks signatures (https://www.standardwebhooks.com): what a partner's library verifies.

A topic's secret is `whsec_<base64 of 32 random bytes>`; the HMAC key is the decoded part. Each attempt is signed
anew: `webhook-signature: v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">`, where the timestamp
is the integer second of *this* attempt (receivers refuse one older than five minutes) and the body is the stored
text, byte for byte as it is posted. `tests/unit/shared/webhooks/test_signing.py` checks it with the official
`standardwebhooks` library.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time

PREFIX = "whsec_"
SECRET_BYTES = 32


class BadSecret(ValueError):
    """The secret is not `whsec_` followed by base64."""


def new_secret() -> str:
    """A fresh secret for a topic's webhook, as partners store it."""
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key of a `whsec_…` secret (the prefix is optional, as the libraries accept it)."""
    encoded = secret.removeprefix(PREFIX)
    try:
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BadSecret("a webhook secret is whsec_ followed by base64") from exc
    if not key:
        raise BadSecret("a webhook secret may not be empty")
    return key


def sign(secret: str, msg_id: str, timestamp: int, body: str | bytes) -> str:
    """`v1,<signature>` of one attempt of one message."""
    payload = body.encode() if isinstance(body, str) else body
    signed = f"{msg_id}.{int(timestamp)}.".encode() + payload
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, msg_id: str, body: str | bytes, timestamp: int | None = None) -> dict[str, str]:
    """The headers of one attempt: its id (the same on every attempt), its second, its signature, the media type."""
    when = int(time.time()) if timestamp is None else int(timestamp)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(when),
        "webhook-signature": sign(secret, msg_id, when, body),
        "Content-Type": "application/json",
    }
