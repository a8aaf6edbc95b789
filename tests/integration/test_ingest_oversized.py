"""A body over MAX_BODY_BYTES gets its 413, however it is sent: with a Content-Length or chunked, by `requests` or
by `urllib`, which send the whole body before they read an answer. Nothing of it is queued, a chunked body is never
cut at the limit and taken, and one within the limit is taken whole. Past MAX_DISCARD_BYTES the service stops reading."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from shared.articles.ids import article_id
from tests.stack import Stack, wait_until

MiB = 1024 * 1024
Sender = Callable[[str, bytes, str, bool], tuple[int, dict[str, Any]]]


def pieces(data: bytes, size: int = 64 * 1024) -> Iterator[bytes]:
    """The body as an iterable: both clients then send it `Transfer-Encoding: chunked`."""
    for start in range(0, len(data), size):
        yield data[start : start + size]


def with_requests(url: str, data: bytes, content_type: str, chunked: bool) -> tuple[int, dict[str, Any]]:
    try:
        answer = requests.post(url, data=pieces(data) if chunked else data, headers={"Content-Type": content_type}, timeout=60)
    except requests.ConnectionError as exc:
        pytest.fail(f"no answer, the connection broke: {exc}")
    return answer.status_code, answer.json()


def with_urllib(url: str, data: bytes, content_type: str, chunked: bool) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(url, data=pieces(data) if chunked else data, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return int(answer.status), json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())
    except (urllib.error.URLError, OSError) as exc:
        pytest.fail(f"no answer, the connection broke: {exc}")


def json_article(url: str, size: int) -> tuple[str, bytes, str]:
    """(path, body, content type): one article whose body makes the request `size` bytes long."""
    head, tail = json.dumps({"url": url, "title": "Oversized", "body": ""}).encode().rsplit(b'""', 1)
    return "/v1/articles", head + b'"' + b"x" * (size - len(head) - len(tail) - 2) + b'"' + tail, "application/json"


def html_page(url: str, size: int) -> tuple[str, bytes, str]:
    head, tail = b"<html><body><p>", b"</p></body></html>"
    return f"/v1/articles/raw?url={url}", head + b"x" * (size - len(head) - len(tail)) + tail, "text/html"


def status_records(stack: Stack) -> int:
    """Articles the service has recorded as accepted in this stack's namespace: a queued one always has one."""
    return sum(1 for _ in stack.redis.scan_iter(stack.settings.redis_key("status", "*"), count=1000))


@pytest.mark.parametrize("body", [json_article, html_page], ids=["json", "html"])
@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("send", [with_requests, with_urllib], ids=["requests", "urllib"])
def test_over_the_limit_is_a_413_the_client_reads_and_nothing_is_queued(
    stack: Stack, send: Sender, chunked: bool, body: Callable[[str, int], tuple[str, bytes, str]]
) -> None:
    url = f"https://oversized.example/{uuid.uuid4().hex}"
    path, data, content_type = body(url, stack.settings.max_body_bytes + MiB)
    before = status_records(stack)
    status, answer = send(f"{stack.ingest_url}{path}", data, content_type, chunked)
    assert status == 413, answer
    assert answer["error"]["code"] == "body_too_large" and answer["error"]["field"] == "body", answer
    assert requests.get(f"{stack.ingest_url}/v1/articles/{article_id(url, None, None)}", timeout=10).status_code == 404
    assert status_records(stack) == before


@pytest.mark.parametrize("send", [with_requests, with_urllib], ids=["requests", "urllib"])
def test_one_byte_over_the_limit_chunked_is_a_413(stack: Stack, send: Sender) -> None:
    url = f"https://oversized.example/{uuid.uuid4().hex}"
    path, data, content_type = html_page(url, stack.settings.max_body_bytes + 1)
    status, answer = send(f"{stack.ingest_url}{path}", data, content_type, True)
    assert status == 413 and answer["error"]["field"] == "body", answer


def test_a_chunked_page_of_exactly_the_limit_is_taken_whole(stack: Stack) -> None:
    words = f"limit{uuid.uuid4().hex[:8]} "
    text = (words * (stack.settings.max_body_bytes // len(words) + 1))[: stack.settings.max_body_bytes - 1] + "."
    status, answer = with_requests(f"{stack.ingest_url}/v1/articles/raw", text.encode(), "text/plain; charset=utf-8", True)
    assert status == 202, answer
    assert answer["id"] == article_id(None, None, text), "the queued page is not the page that was sent"


def test_a_chunked_article_is_stored_whole(stack: Stack) -> None:
    word = f"whole{uuid.uuid4().hex[:8]}"
    body = " ".join(f"{word} number {n} of a long chunked article." for n in range(8000))  # ~370 kB, six 64 kB pieces
    data = json.dumps({"title": f"{word} chunked", "body": body}).encode()
    status, answer = with_requests(f"{stack.ingest_url}/v1/articles", data, "application/json", True)
    assert status == 202, answer
    assert answer["id"] == article_id(None, f"{word} chunked", body)
    assert stack.wait_status(answer["id"])["status"] == "indexed"
    stored = stack.es.get(index=stack.settings.index_alias, id=answer["id"])["_source"]["body"]
    assert len(stored) == len(body)


def raw_request(stack: Stack, headers: str) -> socket.socket:
    port = int(stack.ingest_url.rsplit(":", 1)[1])
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(f"POST /v1/articles HTTP/1.1\r\nHost: ingest\r\nContent-Type: application/json\r\n{headers}\r\n".encode())
    return sock


def test_a_declared_length_past_what_is_discarded_is_answered_without_reading(stack: Stack) -> None:
    with raw_request(stack, "Content-Length: 1000000000000\r\n") as sock:
        sock.sendall(b'{"body": "' + b"x" * MiB)
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_an_endless_chunked_body_is_cut_off(stack: Stack) -> None:
    """The service reads at most MAX_BODY_BYTES + MAX_DISCARD_BYTES of it, then closes the connection."""
    bound = stack.settings.max_body_bytes + stack.settings.max_discard_bytes
    piece = b"%x\r\n%s\r\n" % (64 * 1024, b"x" * 64 * 1024)
    sent = 0
    with raw_request(stack, "Transfer-Encoding: chunked\r\n") as sock:
        try:
            while sent < bound + 64 * MiB:
                sock.sendall(piece)
                sent += 64 * 1024
        except OSError:
            pass
    assert bound <= sent < bound + 16 * MiB, f"the service read {sent} bytes of a body it refused (bound {bound})"
    assert wait_until(lambda: requests.get(f"{stack.ingest_url}/healthz", timeout=5).ok, 10, what="ingest answering")


def test_a_malformed_chunked_body_is_a_400(stack: Stack) -> None:
    with raw_request(stack, "Transfer-Encoding: chunked\r\n") as sock:
        sock.sendall(b"ZZ\r\nabc\r\n0\r\n\r\n")
        head, _, body = b"".join(iter(lambda: sock.recv(4096), b"")).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400"), head
    assert json.loads(body)["error"]["field"] == "body"
