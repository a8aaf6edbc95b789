"""Slow and idle clients cannot stall a service: while N connections each hold half a request body, half a request
head, or nothing at all, /readyz of ingest and search still answers (N = 2, the two sync workers ingest had, and 20,
more than search's 2 x 8 threads). A body that stops arriving is answered 408 and a connection that sends nothing is
closed, after HTTP_READ_TIMEOUT_S and HTTP_KEEPALIVE_S (shared/web/serving.py, docs/adr/0005-serving-slow-clients.md)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import pytest
import requests

from tests.stack import Stack, free_port

ANSWERS_WITHIN_S = 10  # liveness: the service answers at all; it usually does in milliseconds


def opening(kind: str, path: str) -> bytes:
    """What a held connection sends before it stops."""
    if kind == "half-sent body":
        head = f"POST {path} HTTP/1.1\r\nHost: hostile\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n"
        return head.encode() + b'{"title": "never finished'
    if kind == "half-sent head":
        return f"GET {path} HTTP/1.1\r\nHost: hostile\r\nX-Slow: ".encode()
    return b""  # idle: connected, silent


@contextmanager
def held(url: str, count: int, data: bytes) -> Iterator[list[socket.socket]]:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.create_connection((host, int(port)), timeout=ANSWERS_WITHIN_S)
            sockets.append(sock)
            if data:
                sock.sendall(data)
        yield sockets
    finally:
        for sock in sockets:
            sock.close()


def ready(url: str) -> int:
    try:
        return requests.get(f"{url}/readyz", timeout=ANSWERS_WITHIN_S).status_code
    except requests.RequestException as exc:
        pytest.fail(f"{url}/readyz did not answer within {ANSWERS_WITHIN_S}s: {exc}")


@pytest.mark.parametrize("count", [2, 20])
@pytest.mark.parametrize("kind", ["half-sent body", "half-sent head", "idle"])
def test_both_services_answer_while_connections_are_held(stack: Stack, kind: str, count: int) -> None:
    with ExitStack() as hold:
        hold.enter_context(held(stack.ingest_url, count, opening(kind, "/v1/articles")))
        hold.enter_context(held(stack.search_url, count, opening(kind, "/v1/search")))
        assert ready(stack.ingest_url) == 200
        assert ready(stack.search_url) == 200
        accepted = requests.post(f"{stack.ingest_url}/v1/articles", json={"title": "held", "body": kind}, timeout=30)
        assert accepted.status_code == 202, accepted.text


@pytest.fixture(scope="module")
def impatient_ingest(stack: Stack) -> str:
    """An ingest service whose timeouts are short enough to wait for in a test."""
    return stack.start_gunicorn(
        "ingest-impatient", free_port(), "services.ingest.wsgi:app", {"HTTP_READ_TIMEOUT_S": "2", "HTTP_KEEPALIVE_S": "2"}
    )


def whole_answer(sock: socket.socket) -> bytes:
    sock.settimeout(30)
    chunks = []
    try:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    except TimeoutError:
        pytest.fail(f"the service neither answered nor closed the connection: {b''.join(chunks)[:200]!r}")
    except ConnectionResetError:
        pass
    return b"".join(chunks)


def test_a_body_that_stops_arriving_is_a_408(impatient_ingest: str) -> None:
    with held(impatient_ingest, 1, opening("half-sent body", "/v1/articles")) as (sock,):
        head, _, body = whole_answer(sock).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408"), head[:200]
    assert json.loads(body)["error"] == {
        "code": "body_timeout",
        "message": "the body stopped arriving before its end",
        "field": "body",
    }


@pytest.mark.parametrize("kind", ["half-sent head", "idle"])
def test_a_connection_that_sends_no_whole_head_is_closed(impatient_ingest: str, kind: str) -> None:
    with held(impatient_ingest, 1, opening(kind, "/readyz")) as (sock,):
        assert whole_answer(sock) == b""  # closed without an answer: there was no request to answer
