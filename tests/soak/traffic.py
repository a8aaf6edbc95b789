"""The traffic: single articles, one per request, as a newsroom's CMS sends them. A refused or unanswered send is
retried with the same article (hence the same id) until it is accepted; a load of a few per second around a
fault, a trickle of one every few seconds after the heal. Every 202 is recorded in the census's `Accepted`."""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import requests

from shared.articles.ids import article_id
from tests.chaos.census import Accepted
from tests.chaos.load import EDIT_LAG, article, edited

EDIT_EVERY = 10  # every tenth article of the load is sent again, corrected, EDIT_LAG articles later (the stale check)


@dataclass
class Articles:
    """The articles of one step: distinct, numbered, each with a search token of its own in its title."""

    scenario: str
    _numbers: itertools.count[int] = field(default_factory=itertools.count)

    def new(self) -> tuple[int, dict[str, Any]]:
        n = next(self._numbers)
        item = article(self.scenario, n)
        item["title"] += " " + token(self.scenario, n)
        return n, item


def token(scenario: str, n: int) -> str:
    """A word no other article has: the freshness watcher searches for it."""
    return "soak" + hashlib.sha256(f"{scenario}/{n}".encode()).hexdigest()[:12]


@dataclass
class Client:
    """POSTs one article per request; anything but a 202 is retried after min(Retry-After, retry_cap_s)."""

    url: str
    ledgers: tuple[Accepted, ...]  # the step's and the run's
    retry_cap_s: float = 2.0
    give_up_s: float = 600.0  # longer than any outage: in practice never
    refusals: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _local: threading.local = field(default_factory=threading.local)

    def _session(self) -> requests.Session:
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        session: requests.Session = self._local.session
        return session

    def _note(self, what: str) -> None:
        with self._lock:
            self.refusals[what] += 1

    def post(self, item: dict[str, Any]) -> str | None:
        """The id once accepted; None when given up (then the census counts the article as possibly taken)."""
        title, body = item.get("title"), item.get("body")
        deadline = time.monotonic() + self.give_up_s
        while time.monotonic() < deadline:
            try:
                answer = self._session().post(f"{self.url}/v1/articles", json=item, timeout=30)
            except requests.RequestException as exc:
                self._note(type(exc).__name__)
                time.sleep(0.5)
                continue
            if answer.status_code == 202:
                accepted = str(answer.json()["id"])
                for ledger in self.ledgers:
                    ledger.record(accepted, title, body)
                return accepted
            self._note(str(answer.status_code))  # 503/429 expected in an outage; anything else shows in the line
            time.sleep(min(float(answer.headers.get("Retry-After", "1")), self.retry_cap_s))
        for ledger in self.ledgers:
            ledger.unsure(article_id(item.get("url"), title, body), title, body)
        return None


@dataclass
class Stream:
    """`clients` threads sending `per_s` articles a second in all until stopped; a send under way is finished
    (a client does not drop an article), and so are second versions still due."""

    client: Client
    articles: Articles
    per_s: float
    clients: int = 2
    sent: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> Stream:
        for k in range(self.clients):
            thread = threading.Thread(target=self._run, args=(k,), daemon=True, name=f"soak-load-{k}")
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        """No new articles; `join` waits for the sends under way."""
        self._stop.set()

    def join(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def _send(self, item: dict[str, Any]) -> str | None:
        with self._lock:
            self.sent += 1
        return self.client.post(item)

    def _run(self, k: int) -> None:
        interval = self.clients / self.per_s
        due = time.monotonic() + k * interval / self.clients
        edits: list[tuple[int, dict[str, Any]]] = []  # (send after this many more articles, second version)
        count = 0
        while not self._stop.is_set():
            self._stop.wait(max(0.0, due - time.monotonic()))
            if self._stop.is_set():
                break
            due += interval
            n, item = self.articles.new()
            if self._send(item) and n % EDIT_EVERY == 0:
                edits.append((count + EDIT_LAG, edited(item)))
            count += 1
            while edits and edits[0][0] <= count:  # only after its first version's 202, from the same client
                self._send(edits.pop(0)[1])
        for _after, item in edits:
            self._send(item)
