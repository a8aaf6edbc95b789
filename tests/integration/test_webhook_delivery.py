"""Webhook delivery on the real Redis, to a real HTTP receiver on 127.0.0.1, in a namespace of its own.

Deliveries are written as the indexer's script writes them (HSET deliveries, ZADD due now, LPUSH wake); the
deliverer runs in a thread. Each guarantee was shown to fail once with its fault put back (docs/webhooks.md).
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import redis
from prometheus_client import REGISTRY
from standardwebhooks.webhooks import Webhook

from shared.redis_client import connect
from shared.settings import Settings
from shared.topics.keys import TopicKeys, WebhookKeys, endpoint_key
from shared.webhooks.deliverer import Deliverer, post
from shared.webhooks.endpoints import Endpoints, backlog
from shared.webhooks.schedule import Outbox
from shared.webhooks.signing import new_secret

Make = Callable[..., Settings]  # the make_settings fixture
FAST = {
    "webhook_fetch_addresses": "loopback",
    "webhook_timeout_s": 1.0,
    "webhook_backoff_base_s": 0.2,
    "webhook_backoff_max_s": 0.5,
    "webhook_give_up_after_s": 120.0,
    "webhook_pause_after": 1000,
    "webhooks_metrics_port": 0,
}


# --- the receiver ------------------------------------------------------------------------------------
@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    at: float
    path: str


@dataclass
class Receiver:
    """An HTTP server answering POSTs by `answer(n)` -> (status, delay_s), n counting from 0; records each one."""

    answer: Callable[[int], tuple[int, float]] = lambda n: (200, 0.0)
    port: int = 0
    got: list[Received] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                n = len(receiver.got)
                receiver.got.append(Received(dict(self.headers.items()), body, time.time(), self.path))
                status, delay = receiver.answer(n)
                time.sleep(delay)
                try:
                    self.send_response(status)
                    if 300 <= status < 400:
                        self.send_header("Location", "/elsewhere")
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass  # the deliverer stopped waiting

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def ids(self) -> list[str]:
        return [r.headers["webhook-id"] for r in self.got]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(check: Callable[[], Any], timeout: float = 15.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while not (result := check()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(0.05)
    return result


# --- what the indexer's script writes --------------------------------------------------------------
def put_topic(client: redis.Redis, settings: Settings, topic_id: str, url: str | None, secret: str) -> None:
    record = {"id": topic_id, "query": "flood", "webhook_url": url, "webhook_secret": secret}
    client.hset(TopicKeys(settings).records, topic_id, json.dumps(record))


def enqueue(client: redis.Redis, settings: Settings, topic_id: str, url: str, n: int = 1) -> list[str]:
    keys, ids = WebhookKeys(settings), []
    for _ in range(n):
        stream_id = f"{int(time.time() * 1000)}-{uuid.uuid4().int % 1000}"
        delivery_id = f"evt_{topic_id}_{stream_id}"
        article = {"id": uuid.uuid4().hex, "title": "Flood in Zürich — “update”", "url": "https://example.org/a", "source": "x"}
        body = json.dumps({"topic_id": topic_id, "article": article, "matched_at": "2025-01-01T00:00:00Z"}, ensure_ascii=False)
        now_ms = int(time.time() * 1000)
        record = {"id": delivery_id, "topic_id": topic_id, "url": url, "body": body, "accepted_ms": now_ms - 100}
        record |= {"created_ms": now_ms, "attempts": 0}
        pipe = client.pipeline(transaction=True)
        pipe.hset(keys.deliveries, delivery_id, json.dumps(record, ensure_ascii=False))
        pipe.zadd(keys.due, {delivery_id: time.time()})
        pipe.lpush(keys.wake, "1")
        pipe.execute()
        ids.append(delivery_id)
    return ids


# --- fixtures ------------------------------------------------------------------------------------------
@pytest.fixture
def client() -> Iterator[redis.Redis]:
    client = connect(Settings())
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.fail(f"no Redis at {Settings().redis_url}: {exc}")
    yield client


@pytest.fixture
def make_settings(client: redis.Redis) -> Iterator[Callable[..., Settings]]:
    namespaces: list[str] = []

    def make(**overrides: Any) -> Settings:
        namespaces.append(f"test-webhooks-{uuid.uuid4().hex[:8]}")
        return Settings(namespace=namespaces[-1], **{**FAST, **overrides})

    yield make
    for namespace in namespaces:
        for key in client.scan_iter(f"{namespace}:*", count=1000):
            client.delete(key)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver().start()
    yield running
    running.stop()


@contextmanager
def deliverer(settings: Settings) -> Iterator[Deliverer]:
    running = Deliverer(settings)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    try:
        yield running
    finally:
        running.stop.set()
        thread.join(15)


def outbox_empty(client: redis.Redis, settings: Settings) -> bool:
    keys = WebhookKeys(settings)
    return client.hlen(keys.deliveries) == 0 and client.zcard(keys.due) == 0


def outcome(name: str) -> float:
    return REGISTRY.get_sample_value("newsroom_webhook_deliveries_total", {"outcome": name}) or 0.0


def verify(secret: str, got: Received) -> Any:
    return Webhook(secret).verify(got.body, got.headers)


# --- the Redis side ------------------------------------------------------------------------------------
def test_a_claim_leases_and_a_lapsed_lease_hands_it_out_again(client: redis.Redis, make_settings: Make) -> None:
    settings = make_settings()
    outbox = Outbox(client, settings)
    [delivery_id] = enqueue(client, settings, "t1", "http://127.0.0.1:1/")
    now = time.time()
    [claimed] = outbox.claim(now, 10, 30.0)
    assert claimed.id == delivery_id and claimed.record["topic_id"] == "t1"
    assert outbox.claim(now + 1, 10, 30.0) == []  # leased: nobody else takes it
    [again] = outbox.claim(now + 31, 10, 30.0)  # its deliverer died mid-POST: it comes back
    assert again.id == delivery_id
    assert not outbox.reschedule(claimed, now + 5)  # the first claim's lease is no longer its own: nothing written
    assert outbox.reschedule(again, now + 5)
    assert client.zscore(WebhookKeys(settings).due, delivery_id) == pytest.approx(now + 5)


def test_dead_letter_and_replay_keep_the_id_and_reset_attempts(client: redis.Redis, make_settings: Make) -> None:
    settings = make_settings()
    outbox = Outbox(client, settings)
    [delivery_id] = enqueue(client, settings, "t1", "http://127.0.0.1:1/")
    [claimed] = outbox.claim(time.time(), 10, 30.0)
    record = {**claimed.record, "attempts": 7, "first_attempt_ms": 1, "last_error": "HTTP 500"}
    assert outbox.dead_letter(claimed, record, "HTTP 500 (gave up)", int(time.time() * 1000))
    assert outbox_empty(client, settings)
    [dead] = outbox.dead()
    assert dead["delivery_id"] == delivery_id and dead["reason"] == "HTTP 500 (gave up)" and dead["attempts"] == 7
    assert outbox.replay(delivery_id) and not outbox.replay(delivery_id)
    assert outbox.dead_count() == 0
    [back] = outbox.claim(time.time(), 10, 30.0)
    assert back.id == delivery_id and back.record["attempts"] == 0 and "first_attempt_ms" not in back.record
    assert back.record["body"] == claimed.record["body"]


def test_backlog_per_endpoint(client: redis.Redis, make_settings: Make) -> None:
    settings = make_settings()
    enqueue(client, settings, "t1", "http://a.example/", 3)
    enqueue(client, settings, "t2", "http://b.example/", 1)
    assert backlog(client, settings) == {endpoint_key("http://a.example/"): 3, endpoint_key("http://b.example/"): 1}


def test_an_endpoint_pauses_then_sends_one_probe(client: redis.Redis, make_settings: Make) -> None:
    settings = make_settings(webhook_pause_after=3, webhook_backoff_base_s=10, webhook_pause_max_s=50)
    endpoints, url, now = Endpoints(client, settings), "http://a.example/", 1_000_000.0
    assert endpoints.failed(url, now, "HTTP 500") == 0 and endpoints.failed(url, now, "HTTP 500") == 0
    assert endpoints.gate(url, now).verdict == "send"
    assert endpoints.failed(url, now, "HTTP 500") == now + 40  # third in a row: paused 10 * 2^2
    assert endpoints.failed(url, now + 1, "HTTP 500") == 0  # an attempt already under way: no longer pause
    assert endpoints.gate(url, now + 39).verdict == "paused" and endpoints.gate(url, now + 39).until == now + 40
    assert endpoints.gate(url, now + 40).verdict == "probe"
    waiting = endpoints.gate(url, now + 40)
    assert waiting.verdict == "paused" and now + 40 < waiting.until <= now + 42  # the others look again soon
    assert endpoints.failed(url, now + 41, "HTTP 500") == now + 41 + 50  # the probe failed: 80, capped at 50
    assert endpoints.gate(url, now + 91).verdict == "probe"
    endpoints.succeeded(url)
    assert endpoints.gate(url, now + 92).verdict == "send" and endpoints.state(url) == {}


# --- the deliverer, end to end ---------------------------------------------------------------------------
def test_delivered_once_each_signed_with_the_stored_body(client: redis.Redis, make_settings: Make, receiver: Receiver) -> None:
    settings, secret = make_settings(), new_secret()
    put_topic(client, settings, "t1", receiver.url, secret)
    before = outcome("delivered")
    with deliverer(settings):
        started = time.time()
        ids = enqueue(client, settings, "t1", receiver.url, 5)
        stored = {i: json.loads(client.hget(WebhookKeys(settings).deliveries, i) or "{}").get("body") for i in ids}
        wait_for(lambda: outbox_empty(client, settings), what="the outbox to empty")
        time.sleep(0.5)
    assert sorted(receiver.ids()) == sorted(ids)  # each once
    for got in receiver.got:
        assert got.body == stored[got.headers["webhook-id"]].encode()  # byte for byte
        assert verify(secret, got)["topic_id"] == "t1"
        assert got.headers["Content-Type"] == "application/json"
    assert max(got.at for got in receiver.got) - started < 1.5  # woken, not polled late
    assert outcome("delivered") - before == 5


def test_a_500_then_200_is_delivered_again_with_the_same_id(client: redis.Redis, make_settings: Make, receiver: Receiver) -> None:
    settings, secret = make_settings(), new_secret()
    receiver.answer = lambda n: (500 if n == 0 else 200, 0.0)
    put_topic(client, settings, "t1", receiver.url, secret)
    with deliverer(settings):
        [delivery_id] = enqueue(client, settings, "t1", receiver.url)
        wait_for(lambda: outbox_empty(client, settings), what="the retry to land")
        time.sleep(0.5)
    assert receiver.ids() == [delivery_id, delivery_id]
    assert all(verify(secret, got) for got in receiver.got)


def test_a_redirect_is_a_failure_and_is_not_followed(client: redis.Redis, make_settings: Make, receiver: Receiver) -> None:
    settings, secret = make_settings(), new_secret()
    receiver.answer = lambda n: (307 if n == 0 else 200, 0.0)
    put_topic(client, settings, "t1", receiver.url, secret)
    with deliverer(settings):
        [delivery_id] = enqueue(client, settings, "t1", receiver.url)
        wait_for(lambda: outbox_empty(client, settings), what="the retry after the redirect")
        time.sleep(0.5)
    assert receiver.ids() == [delivery_id, delivery_id]
    assert [got.path for got in receiver.got] == ["/hook", "/hook"]


def test_a_receiver_down_then_up_gets_everything(client: redis.Redis, make_settings: Make) -> None:
    settings, secret, port = make_settings(), new_secret(), free_port()
    url = f"http://127.0.0.1:{port}/hook"
    put_topic(client, settings, "t1", url, secret)
    with deliverer(settings):
        ids = enqueue(client, settings, "t1", url, 3)
        keys = WebhookKeys(settings)
        wait_for(lambda: all(json.loads(client.hget(keys.deliveries, i) or "{}").get("attempts", 0) >= 2 for i in ids))
        errors = {json.loads(client.hget(keys.deliveries, i) or "{}").get("last_error") for i in ids}
        assert all("Connection" in str(error) for error in errors), errors
        receiver = Receiver(port=port).start()
        try:
            wait_for(lambda: outbox_empty(client, settings), what="the backlog to drain")
            time.sleep(0.5)
        finally:
            receiver.stop()
    assert sorted(receiver.ids()) == sorted(ids)


def test_a_late_2xx_is_a_failure_redelivered_with_the_same_id_and_it_ends(
    client: redis.Redis, make_settings: Make, receiver: Receiver
) -> None:
    settings, secret = make_settings(webhook_timeout_s=0.5), new_secret()
    receiver.answer = lambda n: (200, 1.5 if n == 0 else 0.0)  # the first answer comes after the timeout
    put_topic(client, settings, "t1", receiver.url, secret)
    with deliverer(settings):
        [delivery_id] = enqueue(client, settings, "t1", receiver.url)
        wait_for(lambda: outbox_empty(client, settings), what="the redelivery to complete")
        time.sleep(1.0)
    assert receiver.ids() == [delivery_id, delivery_id]


def test_given_up_after_the_window_then_replayed(client: redis.Redis, make_settings: Make, receiver: Receiver) -> None:
    settings, secret = make_settings(webhook_give_up_after_s=0.5), new_secret()
    receiver.answer = lambda n: (503, 0.0)
    put_topic(client, settings, "t1", receiver.url, secret)
    outbox = Outbox(client, settings)
    with deliverer(settings):
        [delivery_id] = enqueue(client, settings, "t1", receiver.url)
        [dead] = wait_for(outbox.dead, what="the dead letter")
        assert dead["delivery_id"] == delivery_id and "HTTP 503" in dead["reason"] and "gave up after" in dead["reason"]
        assert outbox_empty(client, settings)
        tries = len(receiver.got)
        time.sleep(1.0)
        assert len(receiver.got) == tries  # given up: no further attempt
        receiver.answer = lambda n: (200, 0.0)
        assert outbox.replay(delivery_id)
        wait_for(lambda: outbox_empty(client, settings) and len(receiver.got) == tries + 1, what="the replay")
    assert set(receiver.ids()) == {delivery_id}
    assert verify(secret, receiver.got[-1])
    assert outbox.dead() == []


def test_a_paused_endpoint_gets_no_attempts_until_its_probe(client: redis.Redis, make_settings: Make, receiver: Receiver) -> None:
    settings = make_settings(webhook_pause_after=2, webhook_backoff_base_s=1.0, webhook_pause_max_s=2.0)
    secret, failing = new_secret(), [True]
    receiver.answer = lambda n: (500 if failing[0] else 200, 0.0)
    put_topic(client, settings, "t1", receiver.url, secret)
    before = outcome("paused")
    with deliverer(settings):
        [first] = enqueue(client, settings, "t1", receiver.url)
        wait_for(lambda: len(receiver.got) == 2, what="two failures")  # the second after a 1 s backoff: paused 2 s
        paused_at = time.time()
        later = enqueue(client, settings, "t1", receiver.url, 3)
        wait_for(lambda: outcome("paused") - before >= 3, what="the new deliveries to be held back")
        failing[0] = False
        time.sleep(max(0.0, paused_at + 1.5 - time.time()))
        assert len(receiver.got) == 2  # nothing while paused
        wait_for(lambda: outbox_empty(client, settings), what="the probe and the backlog")
        time.sleep(0.5)
    probe = receiver.got[2]
    assert probe.at >= paused_at + 1.5
    assert sorted(receiver.ids()[2:]) == sorted([first, *later])  # one probe, then the rest, each once


def test_a_deleted_topic_or_webhook_drops_its_deliveries(client: redis.Redis, make_settings: Make, receiver: Receiver) -> None:
    settings = make_settings()
    put_topic(client, settings, "t2", None, new_secret())  # its webhook removed
    before = outcome("dropped")
    with deliverer(settings):
        enqueue(client, settings, "gone", receiver.url)
        enqueue(client, settings, "t2", receiver.url)
        wait_for(lambda: outbox_empty(client, settings), what="the drops")
    assert receiver.got == [] and outcome("dropped") - before == 2
    assert Outbox(client, settings).dead() == []


def test_a_private_address_is_refused_when_only_public_ones_may_be_reached(
    client: redis.Redis, make_settings: Make, receiver: Receiver
) -> None:
    settings = make_settings(webhook_fetch_addresses="public")
    put_topic(client, settings, "t1", receiver.url, new_secret())
    outbox = Outbox(client, settings)
    with deliverer(settings):
        [delivery_id] = enqueue(client, settings, "t1", receiver.url)
        [dead] = wait_for(outbox.dead, what="the refusal")  # an address in the URL can never become allowed
    assert dead["delivery_id"] == delivery_id and dead["reason"].startswith("refused")
    assert "WEBHOOK_FETCH_ADDRESSES=public" in dead["reason"]
    assert receiver.got == []


def test_the_session_guard_refuses_what_a_host_name_resolves_to(receiver: Receiver) -> None:
    """The second layer: a name is resolved when posting, and a private answer is refused (no DNS rebinding)."""
    session = Deliverer(Settings(webhook_fetch_addresses="public"), client=connect(Settings())).session
    sent = post(session, f"http://localhost:{receiver.port}/hook", b"{}", {}, 1.0, "public")
    assert sent.status is None and sent.error.startswith("refused"), sent
    assert receiver.got == []


def test_newsctl_lists_and_replays_dead_deliveries(
    client: redis.Redis, make_settings: Make, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from services.cli import main as cli
    from services.cli import webhooks as cli_webhooks

    settings = make_settings()
    monkeypatch.setattr(cli_webhooks, "get_settings", lambda: settings)
    outbox = Outbox(client, settings)
    ids = enqueue(client, settings, "t1", "http://127.0.0.1:1/", 2)
    for claimed in outbox.claim(time.time(), 10, 30.0):
        outbox.dead_letter(claimed, claimed.record, "HTTP 410 (gave up after 3 attempts in 93600s)", int(time.time() * 1000))
    assert cli.main(["webhooks", "dead"]) == 0
    listing = capsys.readouterr().out
    assert "2 dead webhook deliveries" in listing and ids[0] in listing and "HTTP 410" in listing
    assert cli.main(["webhooks", "replay", ids[0], "nope"]) == 1
    assert cli.main(["webhooks", "dead", "--json"]) == 0
    assert [item["delivery_id"] for item in json.loads(capsys.readouterr().out.splitlines()[-1])["items"]] == [ids[1]]
    assert cli.main(["webhooks", "replay", "--all"]) == 0
    assert outbox.dead_count() == 0 and client.zcard(WebhookKeys(settings).due) == 2
