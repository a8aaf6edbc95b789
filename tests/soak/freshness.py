"""Freshness: how long an accepted article takes to be found by a search on the search service.

The watcher asks `GET /v1/search?q=<token> | <token> ...` every POLL_S for the articles it still waits for
(a search, not a GET by id: a GET is real-time, a search sees a document only after the index's refresh,
which is what an editor sees). The trickle after a heal sends one article every few seconds and waits for it here.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import requests

POLL_S = 0.2
TERMS_PER_SEARCH = 30  # the search API takes at most 64 terms per query


@dataclass
class Probe:
    id: str
    token: str
    accepted_at: float  # of the 202
    searchable_at: float | None = None

    @property
    def fresh_s(self) -> float:
        """202 → searchable; infinite while not found."""
        return self.searchable_at - self.accepted_at if self.searchable_at is not None else math.inf


@dataclass
class Watcher:
    search_url: str
    _waiting: dict[str, Probe] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    errors: int = 0

    def start(self) -> Watcher:
        self._thread = threading.Thread(target=self._run, daemon=True, name="soak-freshness")
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join()

    def watch(self, probe: Probe) -> None:
        with self._lock:
            self._waiting[probe.token] = probe

    def wait_for(self, probes: Sequence[Probe], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while any(p.searchable_at is None for p in probes) and time.monotonic() < deadline:
            time.sleep(POLL_S)

    def _run(self) -> None:
        session = requests.Session()
        while not self._stop.wait(POLL_S):
            with self._lock:
                tokens = list(self._waiting)
            for i in range(0, len(tokens), TERMS_PER_SEARCH):
                self._look(session, tokens[i : i + TERMS_PER_SEARCH])

    def _look(self, session: requests.Session, tokens: list[str]) -> None:
        params = {"q": " | ".join(tokens), "size": "100", "include_duplicates": "true"}
        try:
            answer = session.get(f"{self.search_url}/v1/search", params=params, timeout=10)
        except requests.RequestException:
            self.errors += 1
            return
        if not answer.ok:  # 503 while Elasticsearch is away
            self.errors += 1
            return
        now = time.monotonic()
        found = {hit["id"] for hit in answer.json()["hits"]}
        with self._lock:
            for token in tokens:
                probe = self._waiting[token]
                if probe.id in found:
                    probe.searchable_at = now
                    del self._waiting[token]


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest rank: with the dozen samples of a trickle, p99 is the slowest one (never an interpolation)."""
    if not values:
        return math.nan
    ranked = sorted(values)
    return ranked[max(0, math.ceil(q / 100 * len(ranked)) - 1)]
