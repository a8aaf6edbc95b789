"""The size policy without a server: a body over the limit is a 413 however it comes, never cut and taken;
what the service did not read is thrown away after the answer, up to a bound."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Request

from services.ingest.body_size import DiscardUnread, read_bytes
from shared.web.service import ApiError


def environ(body: bytes, *, chunked: bool, declared: int | None = None) -> dict[str, Any]:
    """A WSGI environ as gunicorn makes it: a stream that ends with the body (`wsgi.input_terminated`)."""
    env: dict[str, Any] = {"REQUEST_METHOD": "POST", "wsgi.input": io.BytesIO(body), "wsgi.input_terminated": True}
    if chunked:
        env["HTTP_TRANSFER_ENCODING"] = "chunked"
    else:
        env["CONTENT_LENGTH"] = str(len(body) if declared is None else declared)
    return env


def read(body: bytes, limit: int, chunked: bool) -> bytes:
    request = Request(environ(body, chunked=chunked))
    request.max_content_length = limit
    return read_bytes(request)


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_body_of_the_limit_is_read_whole(chunked: bool) -> None:
    assert read(b"x" * 100, 100, chunked) == b"x" * 100


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("size", [101, 10_000])
def test_a_body_over_the_limit_is_a_413_not_cut(chunked: bool, size: int) -> None:
    with pytest.raises(ApiError) as caught:
        read(b"x" * size, 100, chunked)
    assert (caught.value.status, caught.value.code, caught.value.field) == (413, "body_too_large", "body")


def test_the_rest_of_a_body_is_read_up_to_the_bound() -> None:
    discard = DiscardUnread(lambda env, start: [b""], max_bytes=100)
    small, large = environ(b"y" * 100, chunked=True), environ(b"y" * 101, chunked=True)
    assert discard.discard(small) and small["wsgi.input"].read() == b""
    assert not discard.discard(large)


def test_a_declared_rest_over_the_bound_is_not_read_at_all() -> None:
    env = environ(b"z" * 10, chunked=False, declared=1000)
    assert not DiscardUnread(lambda env, start: [b""], max_bytes=100).discard(env)
    assert env["wsgi.input"].tell() == 0


def test_a_stream_the_server_does_not_end_is_left_alone() -> None:
    env = environ(b"z" * 10, chunked=True)
    del env["wsgi.input_terminated"]
    assert not DiscardUnread(lambda env, start: [b""], max_bytes=100).discard(env)


def test_the_rest_is_read_after_the_answer() -> None:
    env, seen = environ(b"q" * 50, chunked=False), []
    answer = DiscardUnread(lambda environ, start: [b"answer"], max_bytes=100)(env, lambda *a: None)
    seen.extend(answer)
    assert seen == [b"answer"] and env["wsgi.input"].tell() == 0
    answer.close()
    assert env["wsgi.input"].tell() == 50
