"""How the ingest and search services are served: the one gunicorn configuration of `make up`, the tests' stack and
compose (`gunicorn -c python:shared.web.serving --bind ADDRESS services.<name>.wsgi:app`; docs/adr/0005-serving-slow-clients.md).

Each connection is a greenlet of gunicorn's gevent worker, so a client that sends slowly, stops half-way or only holds
a connection open costs a little memory, never a thread or a process: up to HTTP_WORKER_CONNECTIONS of them per
worker process, and the others are still answered. Two timeouts end such connections:

- HTTP_KEEPALIVE_S: the request line and headers of every request (the first one too) must have arrived within it,
  and an idle connection is closed after it (gunicorn's async workers time the head read with `keepalive`);
- HTTP_READ_TIMEOUT_S: the longest pause in reading a body or writing an answer (a socket timeout on every client
  connection); an ingest body that stalls longer is answered 408 (services/ingest/body_size.py).

gunicorn reads this module's lower-case names as its settings; a command-line option overrides them (`--workers 1`).
"""

from __future__ import annotations

from typing import Any

from gunicorn.workers.base_async import AsyncWorker
from gunicorn.workers.ggevent import GeventWorker

from shared.settings import get_settings

LEFTOVER_MAX_BYTES = 64 * 1024  # most of a body the application left unread that is read to keep its connection


class Worker(GeventWorker):
    """gunicorn's gevent worker with HTTP_READ_TIMEOUT_S on every client socket (gunicorn's own sets none), and a bound
    on what is read of a body the application left unread before the connection's next request."""

    def handle(self, listener: Any, client: Any, addr: Any) -> None:
        client.settimeout(get_settings().http_read_timeout_s)  # GeventWorker.handle would make it blocking, no timeout
        AsyncWorker.handle(self, listener, client, addr)

    def handle_request(self, listener_name: Any, req: Any, sock: Any, addr: Any) -> None:
        super().handle_request(listener_name, req, sock, addr)  # raises StopIteration when the connection is to close
        # Before reading the next request gunicorn's async workers read the rest of this one's body without bound (an
        # endless chunked body for HTTP_KEEPALIVE_S). Its gthread worker bounds that; so does this: past
        # LEFTOVER_MAX_BYTES the connection closes (the ingest service has read and dropped MAX_DISCARD_BYTES already).
        if not _read_to_end(req.body, LEFTOVER_MAX_BYTES):
            raise StopIteration


def _read_to_end(body: Any, max_bytes: int) -> bool:
    left = max_bytes
    try:
        while body is not None and (piece := body.read(min(left + 1, 8192))):
            left -= len(piece)
            if left < 0:
                return False
    except Exception:  # noqa: BLE001 - a timeout, a disconnect, a malformed chunk: the connection closes
        return False
    return True


_settings = get_settings()
worker_class = f"{__name__}.Worker"
workers = _settings.gunicorn_workers
worker_connections = _settings.http_worker_connections
keepalive = _settings.http_keepalive_s
timeout = _settings.http_worker_timeout_s
# gunicorn's control socket (gunicornc) is one path per user: every gunicorn of the machine would take it from the
# previous one, and remove it on exit from under the others. Nothing here uses it.
control_socket_disable = True
