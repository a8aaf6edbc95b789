"""The size policy of request bodies, in one place (docs/ingest-limits.md, docs/adr/0001-oversized-bodies.md).

A body over MAX_BODY_BYTES is a 413 whether its length is declared (Content-Length) or it comes chunked; it is
never cut at the limit and taken. Whatever the service did not read of a body is read and thrown away after the
answer, up to MAX_DISCARD_BYTES, so that a client that sends everything before it reads (urllib, requests) reads
that answer; a longer rest is not read and the connection closes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask import Request
from gunicorn.http.errors import ParseException
from werkzeug.exceptions import ClientDisconnected
from werkzeug.wsgi import ClosingIterator, get_content_length, get_input_stream

from shared.web.service import ApiError

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

_PIECE = 64 * 1024
log = logging.getLogger(__name__)


def read_bytes(request: Request) -> bytes:
    """The whole body, or a 413 when it is longer than MAX_BODY_BYTES (Flask's MAX_CONTENT_LENGTH, set by
    create_app): at once when its Content-Length says so, else as soon as one byte more than that has come."""
    limit = request.max_content_length
    declared = request.content_length
    if limit is not None and declared is not None and declared > limit:
        raise _too_large(limit)
    # werkzeug's own stream (request.stream, get_data) stops a chunked body at the limit without a word, so the
    # body is read with a limit one byte higher: a body that reaches it is over the limit, never cut and taken.
    stream = get_input_stream(request.environ, max_content_length=None if limit is None else limit + 1)
    try:
        data = stream.read()
    except ParseException as exc:  # gunicorn's parser: a chunk not framed as HTTP/1.1 says (its size, its CRLF)
        raise ApiError(400, "invalid_body", f"the chunked body is malformed: {exc!r}", "body") from exc
    except (TimeoutError, ClientDisconnected) as exc:  # werkzeug turns a socket timeout under a Content-Length into the latter
        if not any(isinstance(e, TimeoutError) for e in (exc, exc.__context__)):
            raise
        # The client paused longer than HTTP_READ_TIMEOUT_S (shared/web/serving.py, docs/adr/0005-serving-slow-clients.md).
        raise ApiError(408, "body_timeout", "the body stopped arriving before its end", "body") from exc
    if limit is not None and len(data) > limit:
        raise _too_large(limit)
    return data


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "body_too_large", f"the body is larger than {limit} bytes", "body")


class DiscardUnread:
    """WSGI middleware: once the answer is written, read and throw away what is left of the request body, up to
    `max_bytes`, before the server closes the connection. A client that sends its whole body before it reads (Python's
    urllib and requests; they do not wait for `100 Continue`) then reads its 413 rather than a connection reset, which
    a close with unread data gives. A body with more left than that is not read: the client may see the reset."""

    def __init__(self, app: WSGIApplication, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        def finish() -> None:
            self.discard(environ)

        return ClosingIterator(self.app(environ, start_response), finish)

    def discard(self, environ: WSGIEnvironment) -> bool:
        """True when the body has been read to its end."""
        if "wsgi.input_terminated" not in environ:  # the server does not end the stream with the body: a read may block
            return False
        declared = get_content_length(environ)
        if declared is not None and declared > self.max_bytes:
            log.info("request body of %d bytes not read: over MAX_DISCARD_BYTES, the connection is closed", declared)
            return False
        stream, left = environ["wsgi.input"], self.max_bytes
        try:
            while piece := stream.read(min(_PIECE, left + 1)):
                left -= len(piece)
                if left < 0:
                    log.info("request body not read to its end: over MAX_DISCARD_BYTES, the connection is closed")
                    return False
        except Exception:  # noqa: BLE001 - a disconnect or a malformed chunk: the server closes the connection next anyway
            return False
        return True
