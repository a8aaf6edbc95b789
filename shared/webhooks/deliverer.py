"""The webhook deliverer's loop: wake or poll, claim what is due, POST it concurrently, settle each answer.

Each delivery is POSTed with its stored body, byte for byte, signed for this attempt (shared/webhooks/signing.py),
through the address guard of feed fetches (`WEBHOOK_FETCH_ADDRESSES`), with no redirect followed (a 3xx is a
failure) and `WEBHOOK_TIMEOUT_S` to connect and to read. A 2xx completes it; anything else (a late 2xx after the
timeout included) counts a failure: tried again after a backoff with the same `webhook-id`, or dead-lettered once
the give-up window is over. Redis errors never end the loop: it logs, waits and tries again, and what it held comes
back after its lease.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

import redis
import requests
from requests_hardened.ip_filter import InvalidIPAddress

from shared.consumer.progress import Progress
from shared.feeds.fetch import guarded_session, refused_address
from shared.redis_client import connect
from shared.settings import Settings
from shared.topics.keys import TopicKeys
from shared.webhooks import signing
from shared.webhooks.endpoints import Endpoints
from shared.webhooks.metrics import DELIVERIES, LATENCY
from shared.webhooks.policy import backoff_s, gave_up, lease_s
from shared.webhooks.schedule import Delivery, Outbox

log = logging.getLogger(__name__)
USER_AGENT = "newsroom-search/1.0 (webhooks)"
ANSWER_SNIPPET = 200  # characters of a failed answer's body kept as its reason
T = TypeVar("T")


@dataclass(frozen=True)
class Sent:
    status: int | None  # None: no answer (refused, timeout, connection error)
    error: str = ""  # why it failed; empty on a 2xx

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post(session: requests.Session, url: str, body: bytes, headers: dict[str, str], timeout_s: float, reach: str) -> Sent:
    """One attempt. A 3xx is not followed: it is a failure like any other non-2xx."""
    try:
        with session.post(
            url,
            data=body,
            headers={"User-Agent": USER_AGENT, **headers},
            timeout=(timeout_s, timeout_s),
            allow_redirects=False,
            stream=True,
        ) as response:
            if 200 <= response.status_code < 300:
                return Sent(response.status_code)
            snippet = response.raw.read(ANSWER_SNIPPET, decode_content=True).decode("utf-8", "replace").strip()
            return Sent(response.status_code, f"HTTP {response.status_code}" + (f": {snippet}" if snippet else ""))
    except InvalidIPAddress as exc:
        host = urlsplit(url).hostname or "?"
        return Sent(None, f"refused: {host} leads to {exc}, not an address WEBHOOK_FETCH_ADDRESSES={reach} allows")
    except requests.Timeout:
        return Sent(None, f"timeout: no answer within {timeout_s:g}s")
    except (requests.RequestException, OSError) as exc:
        return Sent(None, f"{type(exc).__name__}: {exc}"[:300])


class Batch:
    """The deliveries of one claim: one log line once each is settled."""

    def __init__(self, size: int) -> None:
        self.size, self.started = size, time.monotonic()
        self.outcomes: Counter[str] = Counter()
        self._lock = threading.Lock()

    def settled(self, outcome: str) -> None:
        with self._lock:
            self.outcomes[outcome] += 1
            if sum(self.outcomes.values()) < self.size:
                return
        summary = " ".join(f"{name}={count}" for name, count in sorted(self.outcomes.items()))
        log.info("webhooks: %d deliveries settled in %.2fs: %s", self.size, time.monotonic() - self.started, summary)


class Deliverer:
    def __init__(self, settings: Settings, client: redis.Redis | None = None, session: requests.Session | None = None) -> None:
        self.settings = settings
        self.redis = client or connect(settings)
        self.outbox, self.endpoints = Outbox(self.redis, settings), Endpoints(self.redis, settings)
        self.session = session or guarded_session(settings.webhook_fetch_addresses)
        self.topics = TopicKeys(settings)
        self.concurrency = max(1, settings.webhook_concurrency)
        self.pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="webhook")
        self.stop = threading.Event()
        self.ticked = time.time()  # the loop's last turn: the port's heartbeat
        self._held: dict[str, float] = {}
        self._done_at: float | None = None
        self._lock = threading.Lock()
        self._slot_freed = threading.Event()

    # --- the loop ---------------------------------------------------------------------------------------
    def run(self) -> None:
        """Until `stop` is set; then the attempts under way finish."""
        delay = 0.5
        log.info("webhook deliverer started: %d at once, timeout %gs", self.concurrency, self.settings.webhook_timeout_s)
        while not self.stop.is_set():
            self.ticked = time.time()
            try:
                self.step()
                delay = 0.5
            except redis.RedisError as exc:
                log.warning("webhooks: Redis error (%s); trying again in %.1fs", exc, delay)
                self.stop.wait(delay)
                delay = min(delay * 2, 5.0)
            except Exception:  # one unforeseen error must not end deliveries for everyone
                log.exception("webhooks: unexpected error in the loop; going on in 1s")
                self.stop.wait(1.0)
        self.pool.shutdown(wait=True)
        log.info("webhook deliverer stopped")

    def step(self) -> None:
        """One turn: claim as many due deliveries as there are free senders and hand them out; else wait."""
        with self._lock:
            free = self.concurrency - len(self._held)
        if free <= 0:
            self._slot_freed.wait(1.0)
            self._slot_freed.clear()
            return
        now = time.time()
        claimed = self.outbox.claim(now, free, lease_s(self.settings))
        if not claimed:
            next_in = self.outbox.next_due_in(now)
            self.outbox.wait(min(1.0, self.settings.redis_timeout_s / 2, 1.0 if next_in is None else next_in))
            return
        batch = Batch(len(claimed))
        with self._lock:
            for delivery in claimed:
                self._held[delivery.id] = now
        for delivery in claimed:
            self.pool.submit(self._settle, delivery, batch)

    def _settle(self, delivery: Delivery, batch: Batch) -> None:
        outcome = "error"
        try:
            outcome = self.handle(delivery)
        except redis.RedisError as exc:
            log.warning("webhooks: delivery %s not settled (%s); it is due again after its lease", delivery.id, exc)
        except Exception:  # logged; the delivery comes back after its lease
            log.exception("webhooks: delivery %s failed unexpectedly; it is due again after its lease", delivery.id)
        finally:
            with self._lock:
                self._held.pop(delivery.id, None)
                self._done_at = time.time()
            self._slot_freed.set()
        if outcome != "error":
            DELIVERIES.labels(outcome).inc()
        batch.settled(outcome)

    def progress(self) -> Progress:
        now = time.time()
        with self._lock:
            oldest = min(self._held.values(), default=None)
            return Progress(
                held=len(self._held),
                oldest_age_s=max(0.0, now - oldest) if oldest is not None else 0.0,
                since_done_s=None if self._done_at is None else now - self._done_at,
            )

    # --- one delivery ----------------------------------------------------------------------------------
    def handle(self, delivery: Delivery) -> str:
        """Attempt one claimed delivery and settle it; returns its outcome (the metric's label)."""
        record, now = dict(delivery.record), time.time()
        if "unreadable" in record:
            return self._dead(delivery, record, "unreadable delivery record")
        topic = self._topic(str(record.get("topic_id") or ""))
        if not topic or not topic.get("webhook_url"):
            self.outbox.drop(delivery.id)
            return "dropped"
        record["url"] = url = str(topic["webhook_url"])  # the topic's current URL: a partner may have moved it
        reach = self.settings.webhook_fetch_addresses
        refused = refused_address(url, reach)
        if refused:
            return self._dead(delivery, record, "refused: " + refused.replace("FEED_FETCH_ADDRESSES", "WEBHOOK_FETCH_ADDRESSES"))
        gate = self.endpoints.gate(url, now)
        if gate.verdict == "paused":
            if gave_up(delivery.started_ms, int(now * 1000), self.settings):
                why = self.endpoints.state(url).get("last_error", "")
                return self._dead(delivery, record, f"endpoint paused (last error: {why}); gave up after the window")
            self.outbox.reschedule(delivery, gate.until)
            return "paused"
        body, webhook_id = str(record.get("body", "")).encode(), str(record.get("id") or delivery.id)
        try:
            headers = signing.headers(str(topic.get("webhook_secret") or ""), webhook_id, body)
        except signing.BadSecret as exc:
            return self._dead(delivery, record, f"topic has no usable webhook secret ({exc})")
        sent = post(self.session, url, body, headers, self.settings.webhook_timeout_s, reach)
        return self._settled(delivery, record, sent)

    def _settled(self, delivery: Delivery, record: dict[str, Any], sent: Sent) -> str:
        now = time.time()
        now_ms, url = int(now * 1000), str(record["url"])
        deadline = delivery.lease - 1.0  # settle while the lease is ours; after it the delivery goes out again anyway
        if sent.ok:
            _retrying(lambda: self.outbox.complete(delivery.id), deadline)
            _retrying(lambda: self.endpoints.succeeded(url), deadline)
            accepted_ms = record.get("accepted_ms")
            if isinstance(accepted_ms, int | float) and accepted_ms > 0:
                LATENCY.observe(max(0.0, now - accepted_ms / 1000))
            return "delivered"
        attempts = int(record.get("attempts") or 0) + 1
        record.update(attempts=attempts, last_attempt_ms=now_ms, last_status=sent.status, last_error=sent.error[:500])
        record.setdefault("first_attempt_ms", now_ms)
        _retrying(lambda: self.endpoints.failed(url, now, sent.error), deadline)
        if gave_up(int(record["first_attempt_ms"]), now_ms, self.settings):
            elapsed = (now_ms - int(record["first_attempt_ms"])) / 1000
            return self._dead(delivery, record, f"{sent.error} (gave up after {attempts} attempts in {elapsed:.0f}s)")
        due = now + backoff_s(attempts, self.settings)
        _retrying(lambda: self.outbox.reschedule(delivery, due, record), deadline)
        return "failed"

    def _dead(self, delivery: Delivery, record: dict[str, Any], reason: str) -> str:
        log.warning("webhooks: delivery %s dead-lettered: %s", delivery.id, reason)
        self.outbox.dead_letter(delivery, record, reason, int(time.time() * 1000))
        return "dead"

    def _topic(self, topic_id: str) -> dict[str, Any] | None:
        raw = self.redis.hget(self.topics.records, topic_id) if topic_id else None
        if raw is None:
            return None
        try:
            topic = json.loads(raw)
        except ValueError:
            return None
        return topic if isinstance(topic, dict) else None


def _retrying(action: Callable[[], T], until: float) -> T:
    """A Redis write after an attempt, tried again through a short outage while the lease lasts."""
    while True:
        try:
            return action()
        except redis.RedisError:
            if time.time() >= until:
                raise
            time.sleep(0.5)
