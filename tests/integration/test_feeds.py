"""RSS/Atom feeds served by a real local HTTP server: entries reach search once, 304s cost nothing,
a broken feed is reported and does not stop the others."""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from shared.delivery.celery_app import make_celery
from shared.feeds import FEEDS_TICK_TASK
from tests.stack import Stack, wait_until


class FeedServer(ThreadingHTTPServer):
    """Serves `docs[path] = (status, content_type, body)` with an ETag; answers 304 when it still matches."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), FeedHandler)
        self.docs: dict[str, tuple[int, str, bytes]] = {}
        self.hits: Counter[str] = Counter()
        self.not_modified: Counter[str] = Counter()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class FeedHandler(BaseHTTPRequestHandler):
    server: FeedServer

    def do_GET(self) -> None:
        self.server.hits[self.path] += 1
        status, content_type, body = self.server.docs.get(self.path, (404, "text/plain", b"not here"))
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if status == 200 and self.headers.get("If-None-Match") == etag:
            self.server.not_modified[self.path] += 1
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture(scope="module")
def server() -> Iterator[FeedServer]:
    httpd = FeedServer()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def rss(title: str, items: list[tuple[str, str, str]]) -> tuple[int, str, bytes]:
    """(link, title, description) items as an RSS 2.0 document."""
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><description>{d}</description>"
        f"<pubDate>Tue, 17 Oct 2023 10:00:00 +0600</pubDate></item>"
        for link, t, d in items
    )
    doc = f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{body}</channel></rss>'
    return 200, "application/rss+xml", doc.encode()


def feed(stack: Stack, fid: str) -> dict[str, Any]:
    answer: dict[str, Any] = requests.get(f"{stack.ingest_url}/v1/feeds/{fid}", timeout=10).json()
    return answer


def poll_and_wait(stack: Stack, fid: str) -> dict[str, Any]:
    polls = feed(stack, fid)["polls"]
    assert stack.post(f"/v1/feeds/{fid}/poll").status_code == 202
    done: dict[str, Any] = wait_until(lambda: (f := feed(stack, fid))["polls"] > polls and f, 60, what=f"poll of {fid}")
    return done


def search_ids(stack: Stack, word: str, count: int) -> set[str]:
    stack.refresh()
    hits = wait_until(lambda: len(h := stack.search(q=word, size=50).json()["hits"]) >= count and h, 60, what=f"{count} x {word}")
    assert len(hits) == count, hits
    return {h["url"] for h in hits}


def test_entries_reach_search_once_and_304_costs_nothing(stack: Stack, server: FeedServer) -> None:
    word = f"steppe{uuid.uuid4().hex[:8]}"
    links = [server.url(f"/{word}/story-{n}") for n in range(3)]
    server.docs[f"/{word}.xml"] = rss("Steppe News", [(links[n], f"Story {n} {word}", f"Summary {n}.") for n in (1, 0)])
    created = stack.post("/v1/feeds", json={"url": server.url(f"/{word}.xml"), "interval_s": 3600, "source": "Steppe"})
    assert created.status_code == 201
    fid = created.json()["id"]
    again = stack.post("/v1/feeds", json={"url": server.url(f"/{word}.xml"), "interval_s": 3600, "source": "Steppe"})
    assert (again.status_code, again.json()["id"]) == (200, fid)

    make_celery(stack.settings).send_task(FEEDS_TICK_TASK)  # what beat does: a new feed is due at once
    first = wait_until(lambda: (f := feed(stack, fid))["polls"] >= 1 and f, 60, what="the first poll")
    assert (first["last_status"], first["items_seen"], first["failing"]) == ("ok", 2, False)
    assert search_ids(stack, word, 2) == set(links[:2])

    unchanged = poll_and_wait(stack, fid)
    assert (unchanged["last_status"], unchanged["items_seen"]) == ("not_modified", 2)
    assert server.not_modified[f"/{word}.xml"] == 1

    server.docs[f"/{word}.xml"] = rss("Steppe News", [(links[n], f"Story {n} {word}", f"Summary {n}.") for n in (2, 1, 0)])
    grown = poll_and_wait(stack, fid)
    assert (grown["last_status"], grown["items_seen"]) == ("ok", 3)  # only the new entry was queued
    assert search_ids(stack, word, 3) == set(links)
    hit = stack.search(q=f'"Story 2 {word}"').json()["hits"][0]
    assert hit["source"] == "Steppe"

    listed = requests.get(f"{stack.ingest_url}/v1/feeds", timeout=10).json()
    assert fid in {f["id"] for f in listed["items"]}
    assert requests.delete(f"{stack.ingest_url}/v1/feeds/{fid}", timeout=10).status_code == 204
    assert requests.get(f"{stack.ingest_url}/v1/feeds/{fid}", timeout=10).status_code == 404
    assert fid not in {f["id"] for f in requests.get(f"{stack.ingest_url}/v1/feeds", timeout=10).json()["items"]}


def test_broken_feeds_are_reported_and_do_not_stop_others(stack: Stack, server: FeedServer) -> None:
    word = f"broken{uuid.uuid4().hex[:8]}"
    server.docs[f"/{word}/500.xml"] = (500, "text/plain", b"server error")
    server.docs[f"/{word}/html.xml"] = (200, "text/html", b"<html><body>a page, not a feed</body></html>")
    server.docs[f"/{word}/good.xml"] = rss("Good", [(server.url(f"/{word}/ok"), f"Fine story {word}", "Still here.")])
    ids = {
        name: stack.post("/v1/feeds", json={"url": server.url(f"/{word}/{name}.xml"), "interval_s": 3600}).json()["id"]
        for name in ("500", "html", "good")
    }
    for _ in range(3):
        for fid in ids.values():
            poll_and_wait(stack, fid)
    broken, html, good = (feed(stack, ids[name]) for name in ("500", "html", "good"))
    assert broken["last_status"] == "error" and "HTTP 500" in broken["last_error"]
    assert "not a readable RSS/Atom feed" in html["last_error"]
    assert broken["failing"] and html["failing"] and broken["failures"] == 3
    assert good["failing"] is False and good["items_seen"] == 1
    assert broken["next_poll_at"] > good["next_poll_at"]  # backed off: 3 failures wait 8 intervals (capped), not 1
    assert search_ids(stack, word, 1) == {server.url(f"/{word}/ok")}


def test_summary_only_entries_fetch_the_linked_page_when_asked(stack: Stack, server: FeedServer) -> None:
    word = f"linked{uuid.uuid4().hex[:8]}"
    page = (
        f"<html><head><title>Bridge opens in Astana {word}</title></head><body><nav>Home | World</nav><article>"
        f"<h1>Bridge opens in Astana {word}</h1><p>The new bridge across the Ishim river opened on Tuesday.</p>"
        f"<p>Engineers said the crossing carries pedestrians and trams, and the {word}page detail is only here.</p>"
        "</article></body></html>"
    )
    server.docs[f"/{word}/page"] = (200, "text/html; charset=utf-8", page.encode())
    server.docs[f"/{word}.xml"] = rss("Capital", [(server.url(f"/{word}/page"), f"Bridge opens {word}", "Short summary.")])
    fid = stack.post("/v1/feeds", json={"url": server.url(f"/{word}.xml"), "interval_s": 3600, "fetch_pages": True}).json()["id"]
    assert poll_and_wait(stack, fid)["items_seen"] == 1
    assert server.hits[f"/{word}/page"] == 1
    assert search_ids(stack, f"{word}page", 1) == {server.url(f"/{word}/page")}
