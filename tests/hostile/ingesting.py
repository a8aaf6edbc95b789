"""What the ingest-side access tests share: an ingest service of their own with API keys and other settings."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from tests.stack import Stack, free_port

ACME, BETA, OPS = "acme-secret-0123456789", "beta-secret-9876543210", "ops-secret-5555555555"


def key(value: str) -> dict[str, str]:
    return {"X-API-Key": value}


@contextmanager
def ingest_service(stack: Stack, **settings: str) -> Iterator[str]:
    """The ingest service on the stack's namespace, served as `make up` serves it, with `settings` (environment names)."""
    name = f"ingest-{uuid.uuid4().hex[:6]}"
    url = stack.start_gunicorn(name, free_port(), "services.ingest.wsgi:app", settings)
    try:
        yield url
    finally:
        stack.stop(name)


@contextmanager
def keyed_ingest(stack: Stack, **settings: str) -> Iterator[str]:
    """Keys acme (in INGEST_API_KEYS), beta (only its digest, in INGEST_API_KEYS_FILE) and ops (an operator)."""
    keys_file = stack.logs / f"ingest-keys-{uuid.uuid4().hex[:6]}.txt"
    keys_file.write_text(f"# ingest keys\nbeta:sha256:{hashlib.sha256(BETA.encode()).hexdigest()}\nops:{OPS}\n")
    with ingest_service(
        stack,
        INGEST_API_KEYS=f"acme:{ACME}",
        INGEST_API_KEYS_FILE=str(keys_file),
        INGEST_OPERATOR_KEYS="ops",
        **settings,
    ) as url:
        yield url
