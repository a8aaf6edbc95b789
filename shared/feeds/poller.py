"""One poll of one feed: fetch (conditional), parse, queue the entries not seen before, record the outcome.

A poll holds the feed's lock, so two never overlap. Failures back off exponentially from the feed's
interval up to `FEED_BACKOFF_MAX_S`; after `FEED_FAILING_AFTER` failures in a row the feed is `failing`.
An entry is queued before it is marked seen: a crash in between re-queues it, under the same id.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from redis.exceptions import LockError

from shared.articles.ids import article_id
from shared.articles.model import ArticleIn
from shared.delivery.status import now_iso
from shared.feeds.entries import FeedError, parse_feed
from shared.feeds.fetch import Fetched, FetchError, fetch
from shared.feeds.store import FeedStore
from shared.settings import Settings

log = logging.getLogger(__name__)
Submit = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class PollResult:
    status: str  # ok | not_modified | error | busy | gone
    new_items: int = 0
    error: str | None = None


def backoff_s(interval_s: float, failures: int, max_s: float) -> float:
    """Wait before the next poll: the interval when healthy, doubled per failure in a row, capped."""
    return float(min(max(interval_s, interval_s * 2 ** max(failures, 0)), max(max_s, interval_s)))


class Poller:
    def __init__(self, store: FeedStore, submit: Submit, settings: Settings) -> None:
        self.store, self.submit, self.settings = store, submit, settings

    def poll(self, fid: str) -> PollResult:
        lock = self.store.lock(fid, ttl_s=max(60.0, self.settings.feed_timeout_s * 10))
        if not lock.acquire(blocking=False):
            return PollResult("busy")
        try:
            feed = self.store.get(fid)
            if feed is None:
                return PollResult("gone")
            try:
                result = self._poll(feed)
            except (FetchError, FeedError) as exc:
                result = PollResult("error", error=str(exc))
            self._record(fid, result, feed)
            return result
        finally:
            with contextlib.suppress(LockError):  # expired meanwhile: nothing left to release
                lock.release()

    def _fetch(self, url: str, **extra: Any) -> Fetched:
        """A feed or a linked page, within this deployment's timeout, size limit and reachable addresses."""
        s = self.settings
        return fetch(url, timeout_s=s.feed_timeout_s, max_bytes=s.feed_max_bytes, reach=s.feed_fetch_addresses, **extra)

    def _poll(self, feed: dict[str, Any]) -> PollResult:
        fetched = self._fetch(feed["url"], etag=feed.get("etag"), last_modified=feed.get("last_modified"))
        if fetched.not_modified:
            return PollResult("not_modified")
        entries = parse_feed(fetched.content, feed.get("source"), fetched.charset)
        payloads = [p for p in (self._payload(e, feed) for e in entries) if p]
        unseen = set(self.store.unseen(feed["id"], [p["id"] for p in payloads]))
        queued = 0
        for payload in payloads:
            if payload["id"] in unseen:
                self.submit(payload)
                self.store.mark_seen(feed["id"], payload["id"])
                unseen.discard(payload["id"])
                queued += 1
        feed["etag"], feed["last_modified"] = fetched.etag, fetched.last_modified
        return PollResult("ok", queued)

    def _payload(self, entry: dict[str, Any], feed: dict[str, Any]) -> dict[str, Any] | None:
        try:
            article = ArticleIn.model_validate(entry["article"])
        except ValidationError as exc:
            log.warning("feed %s: entry skipped: %s", feed["id"], exc.errors()[0]["msg"])
            return None
        aid = article_id(article.url, article.title, article.body)
        if article.url and not entry["full_content"] and feed.get("fetch_pages"):
            page = self._page(article.url)
            if page is not None:
                return {"id": aid, "kind": "raw", "content_type": "text/html", "content": page, "url": article.url,
                        "source": article.source, "feed_id": feed["id"]}  # fmt: skip
        return {"id": aid, "kind": "article", "article": article.model_dump(), "feed_id": feed["id"]}

    def _page(self, url: str) -> str | None:
        """The linked page, for an entry that only has a summary; None (the summary is kept) when it fails."""
        try:
            fetched = self._fetch(url, accept="text/html")
        except FetchError as exc:
            log.warning("linked page %s not fetched: %s", url, exc)
            return None
        return fetched.text() if "html" in fetched.content_type or not fetched.content_type else None

    def _record(self, fid: str, result: PollResult, feed: dict[str, Any]) -> None:
        current = self.store.get(fid)
        if current is None:  # deleted while it was polled
            return
        failed = result.status == "error"
        current.update(
            last_poll_at=now_iso(),
            last_status=result.status,
            last_error=result.error if failed else None,
            failures=current["failures"] + 1 if failed else 0,
            polls=current["polls"] + 1,
            items_seen=current["items_seen"] + result.new_items,
        )
        current["failing"] = current["failures"] >= self.settings.feed_failing_after
        if result.status == "ok":
            current["etag"], current["last_modified"] = feed.get("etag"), feed.get("last_modified")
        current["last_success_at"] = current.get("last_success_at") if failed else current["last_poll_at"]
        self.store.save(current)
        interval = max(current["interval_s"], self.settings.feed_min_interval_s)  # stored before the minimum was raised
        wait = backoff_s(interval, current["failures"], self.settings.feed_backoff_max_s)
        self.store.schedule(fid, time.time() + wait)
        log.info("feed %s polled: %s, %d new, next in %.0fs", fid, result.status, result.new_items, wait)
