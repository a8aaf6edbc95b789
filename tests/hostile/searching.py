"""What the search-side hostile tests share: a search service of their own with some settings, articles to find."""

from __future__ import annotations

import base64
import json
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests

from shared.articles.model import NormalizedArticle
from shared.es.indexer import bulk_index
from tests.stack import ROOT, Stack, free_port, gunicorn_argv, wait_until


def unique(prefix: str = "w") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


@contextmanager
def search_service(stack: Stack, name: str, **settings: str) -> Iterator[str]:
    """The search service on the stack's namespace, served as `make up` serves it (shared/web/serving.py), with `settings`."""
    port = free_port()
    argv = gunicorn_argv(port, "services.search.wsgi:app")
    with open(stack.logs / f"{name}.log", "ab") as out:
        env = {**stack.env, **settings}
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: requests.get(f"{url}/readyz", timeout=2).ok, 60, what=f"{name} /readyz")
        yield url
    finally:
        proc.terminate()
        proc.wait(30)


def put(stack: Stack, tag: str, count: int, **fields: Any) -> list[str]:
    """`count` English articles holding `tag` (more often in the first ones, so they rank apart), refreshed."""
    articles = [
        NormalizedArticle(
            id=f"{tag}-{i}",
            title=f"Story {tag} number {i}",
            body=f"{tag} " * (1 + (count - i) % 7) + "happened in the valley.",
            language="en",
            published_at=f"2024-02-{1 + i % 27:02d}T10:00:00+00:00",
            **fields,
        )
        for i in range(count)
    ]
    outcome = bulk_index(stack.es, stack.settings.index_alias, articles)
    assert not outcome.rejected and not outcome.retryable
    stack.refresh()
    return [a.id for a in articles]


def get(url: str, params: Any, **kwargs: Any) -> requests.Response:
    return requests.get(f"{url}/v1/search", params=params, timeout=60, **kwargs)


def payload_of(cursor: str) -> tuple[dict[str, Any], str]:
    """A cursor's readable part and what follows it (its signature, when it has one)."""
    text, dot, rest = cursor.partition(".")
    return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))), dot + rest


def rewritten(cursor: str, **changes: Any) -> str:
    """The cursor with some fields changed, as a client can write them, its signature (if any) kept."""
    payload, tail = payload_of(cursor)
    payload.update(changes)
    text = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")
    return text + tail
