"""Feed and linked-page fetches reach only the addresses FEED_FETCH_ADDRESSES allows, redirects included,
against a real HTTP server on this machine: a subscribed URL must not read Redis, Elasticsearch or a cloud
metadata service."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from services.ingest.app import create_app
from shared.feeds.fetch import FetchError, fetch, refused_address
from shared.settings import Settings

METADATA = "http://169.254.169.254/latest/meta-data/"


class Handler(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []  # paths asked for, across the server's threads

    def do_GET(self) -> None:
        Handler.hits.append(self.path)
        if self.path == "/to-private":
            self.send_response(302)
            self.send_header("Location", "http://10.255.255.1/feed.xml")
            self.end_headers()
            return
        body = b"<rss version='2.0'><channel><title>Local</title></channel></rss>"
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture(scope="module")
def local() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def get(url: str, reach: Any) -> bytes:
    return fetch(url, timeout_s=5, max_bytes=10_000, reach=reach).content


def test_public_only_by_default_refuses_this_machine_before_connecting(local: str) -> None:
    Handler.hits.clear()
    with pytest.raises(FetchError, match=r"refused: .* leads to 127\.0\.0\.1, not allowed by FEED_FETCH_ADDRESSES=public"):
        fetch(f"{local}/feed.xml", timeout_s=5, max_bytes=10_000)
    assert Handler.hits == []


def test_loopback_and_any_reach_this_machine(local: str) -> None:
    assert b"<title>Local</title>" in get(f"{local}/feed.xml", "loopback")
    assert b"<title>Local</title>" in get(f"{local}/feed.xml", "any")


def test_a_redirect_to_a_private_address_is_refused(local: str) -> None:
    with pytest.raises(FetchError, match=r"leads to 10\.255\.255\.1"):
        get(f"{local}/to-private", "loopback")


@pytest.mark.parametrize(
    ("url", "reach", "refused"),
    [
        ("http://127.0.0.1:9200/_search", "public", True),
        ("http://localhost:6379/", "public", True),
        (METADATA, "loopback", True),
        ("http://[::ffff:10.0.0.1]/feed", "loopback", True),
        ("http://127.0.0.1:8080/feed", "loopback", False),
        (METADATA, "any", False),
        ("https://feeds.example/rss", "public", False),  # a host name: checked when fetched, no DNS here
        ("http://[::1/feed", "public", True),
    ],
)
def test_refused_address_at_subscription(url: str, reach: Any, refused: bool) -> None:
    assert bool(refused_address(url, reach)) is refused


def test_subscribing_a_metadata_address_is_a_400_naming_url() -> None:
    app = create_app(Settings(namespace="test-fetch-addresses"))
    answer = app.test_client().post("/v1/feeds", json={"url": METADATA})
    assert answer.status_code == 400, answer.get_data(as_text=True)
    assert answer.get_json()["error"]["field"] == "url"
    assert "169.254.169.254" in answer.get_json()["error"]["message"]
