"""One Redis client factory and one set of timeouts: every client the system builds (services, rate limits, the
broker) waits REDIS_TIMEOUT_S for an answer and no longer, and nothing else builds a client of its own."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from services.ingest.app import create_app as ingest_app
from services.search.app import create_app as search_app
from shared.delivery.celery_app import make_celery
from shared.redis_client import connect
from shared.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
TIMEOUTS = {"socket_timeout": 1.5, "socket_connect_timeout": 0.5}
SETTINGS = Settings(redis_timeout_s=1.5, redis_connect_timeout_s=0.5)


def timeouts_of(client: redis.Redis) -> dict[str, Any]:
    kwargs = client.connection_pool.connection_kwargs
    return {name: kwargs.get(name) for name in TIMEOUTS}


def test_the_services_the_rate_limits_and_the_broker_wait_by_the_settings() -> None:
    assert timeouts_of(connect(SETTINGS)) == TIMEOUTS
    for app in (ingest_app(SETTINGS), search_app(SETTINGS)):
        assert timeouts_of(app.extensions["redis"]) == TIMEOUTS
        [limiter] = app.extensions["limiter"]
        assert timeouts_of(limiter.storage.storage) == TIMEOUTS  # a search limiter used to wait forever
    options = make_celery(SETTINGS).conf.broker_transport_options
    assert {name: options[name] for name in TIMEOUTS} == TIMEOUTS


SOURCES = ["shared", "services", "tests/stack.py", "tests/bench", "tests/chaos", "tests/soak", "tests/integration"]
OWN_CLIENT = re.compile(r"Redis\.from_url\(|redis\.Redis\(|StrictRedis|socket_timeout|socket_connect_timeout")


def test_no_other_module_builds_a_redis_client_or_names_a_timeout() -> None:
    files = [p for source in SOURCES for p in ([ROOT / source] if source.endswith(".py") else (ROOT / source).rglob("*.py"))]
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in files
        if path != ROOT / "shared" / "redis_client.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if OWN_CLIENT.search(line)
    ]
    assert not found, "build Redis clients with shared/redis_client.py:\n" + "\n".join(found)


@pytest.fixture
def silent_redis() -> Iterator[str]:
    """A server that takes connections and never answers, as a Redis stopped with SIGSTOP or behind a dead link."""
    server = socket.create_server(("127.0.0.1", 0))
    taken: list[socket.socket] = []
    threading.Thread(target=lambda: taken.append(server.accept()[0]), daemon=True).start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    for connection in taken:
        connection.close()
    server.close()


def test_a_redis_that_stops_answering_is_given_up_on_after_the_timeout(silent_redis: str) -> None:
    client = connect(Settings(redis_url=silent_redis, redis_timeout_s=0.3))
    outcome: list[BaseException | None] = []

    def ping() -> None:
        try:
            client.ping()
            outcome.append(None)
        except redis.RedisError as exc:
            outcome.append(exc)

    started = time.monotonic()
    waiting = threading.Thread(target=ping, daemon=True)
    waiting.start()
    waiting.join(5)
    assert not waiting.is_alive(), "the client still waits for a Redis that does not answer"
    assert isinstance(outcome[0], redis.TimeoutError) and time.monotonic() - started < 2
