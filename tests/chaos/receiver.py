"""A partner's webhook endpoint for the chaos suite: a threaded HTTP server on 127.0.0.1 in the suite's own process.

It answers every POST 204 and records (webhook-id, topic id, article id, arrival time, whether the signature holds),
checked with the topic's secret as a partner's library would (shared/webhooks/signing.py). `down("closed")` closes
its port (connections refused), `down("503")` keeps it open and answers 503; `up()` serves again on the same port,
the one the topics' webhook_url names; `up(slow_s=3)` records each POST but answers only after `slow_s` (past the
deliverer's timeout: it counts a failure and sends the same webhook-id again) until `up()`.
"""

from __future__ import annotations

import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from shared.webhooks.signing import sign


@dataclass(frozen=True)
class Arrival:
    webhook_id: str
    topic_id: str
    article_id: str
    at: float  # time.time()
    signed: bool  # the webhook-signature holds for the topic's secret


@dataclass
class Receiver:
    secrets: dict[str, str] = field(default_factory=dict)  # topic id -> its webhook secret
    port: int = 0
    arrivals: list[Arrival] = field(default_factory=list)
    refused: int = 0  # POSTs answered 503 while down("503")
    late: int = 0  # POSTs answered after slow_s while up(slow_s)
    _server: ThreadingHTTPServer | None = None
    _answer_503: bool = False
    _slow_s: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if receiver._answer_503:
                    with receiver._lock:
                        receiver.refused += 1
                    self.send_response(503)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                receiver.note(dict(self.headers.items()), body)
                if slow := receiver._slow_s:
                    time.sleep(slow)
                    with receiver._lock:
                        receiver.late += 1
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
        return self

    def note(self, headers: dict[str, str], body: bytes) -> None:
        lower = {k.lower(): v for k, v in headers.items()}
        webhook_id = lower.get("webhook-id", "")
        try:
            event = json.loads(body)
            topic_id, article_id = str(event["topic_id"]), str(event["article"]["id"])
        except (ValueError, KeyError, TypeError):
            topic_id, article_id = "", ""
        arrival = Arrival(webhook_id, topic_id, article_id, time.time(), self.signed(lower, topic_id, body))
        with self._lock:
            self.arrivals.append(arrival)

    def signed(self, headers: dict[str, str], topic_id: str, body: bytes) -> bool:
        secret, stamp = self.secrets.get(topic_id), headers.get("webhook-timestamp", "")
        if not secret or not stamp.isdigit():
            return False
        wanted = sign(secret, headers.get("webhook-id", ""), int(stamp), body)
        given = headers.get("webhook-signature", "").split()
        return any(hmac.compare_digest(wanted, g) for g in given)

    def down(self, how: str = "closed") -> None:
        """`closed`: the port refuses connections; `503`: it answers every POST with a 503."""
        if how == "503":
            self._answer_503 = True
            return
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def up(self, slow_s: float = 0.0) -> None:
        self._answer_503, self._slow_s = False, slow_s
        if self._server is None:
            self.start()  # the same port: ThreadingHTTPServer sets SO_REUSEADDR

    def stop(self) -> None:
        self.down("closed")

    def received(self) -> list[Arrival]:
        with self._lock:
            return list(self.arrivals)
