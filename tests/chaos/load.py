"""The load: a few thousand articles sent in small batches at a steady rate, the way a partner's importer
would, retrying (with the same articles, hence the same ids) on 503, 429 and connection errors."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

WORDS = ["election", "parliament", "flood", "harvest", "railway", "festival", "border", "summit", "drought", "museum"]


VOCABULARY = (
    [*WORDS, "minister", "river", "market", "school", "hospital", "bridge", "court", "farmers", "storm", "airport", "bank"]
) * 3


def article(scenario: str, n: int) -> dict[str, Any]:
    """A distinct article (not a near-duplicate of its neighbours), the same every time for the same n."""
    word = WORDS[n % len(WORDS)]
    rng = random.Random(f"{scenario}-{n}")
    sentences = [" ".join(rng.sample(VOCABULARY, 9)).capitalize() + "." for _ in range(6)]
    return {
        "url": f"https://chaos.example.org/{scenario}/{n}",
        "title": f"Chaos {scenario} story {n} about the {word}",
        "body": f"Story number {n} of the {scenario} run. " + " ".join(sentences),
        "published_at": "2024-03-01T10:00:00Z",
        "location": "Astana, Kazakhstan",
        "source": "chaos-wire",
    }


@dataclass
class Load:
    url: str
    scenario: str
    total: int
    rate_per_s: float
    batch: int = 20
    threads: int = 3
    make: Callable[[str, int], dict[str, Any]] = article
    give_up_after_s: float = 240
    accepted: set[str] = field(default_factory=set)
    sent: int = 0
    refusals: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        batches = [list(range(i, min(i + self.batch, self.total))) for i in range(0, self.total, self.batch)]
        interval = self.batch / self.rate_per_s
        t0 = time.monotonic()
        for k in range(self.threads):
            mine = [(t0 + j * interval, b) for j, b in enumerate(batches) if j % self.threads == k]
            thread = threading.Thread(target=self._run, args=(mine,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def join(self) -> None:
        for thread in self._threads:
            thread.join()

    @property
    def progress(self) -> int:
        return self.sent

    def _note(self, what: str) -> None:
        with self._lock:
            self.refusals[what] = self.refusals.get(what, 0) + 1

    def _run(self, schedule: list[tuple[float, list[int]]]) -> None:
        session = requests.Session()
        for due, numbers in schedule:
            time.sleep(max(0.0, due - time.monotonic()))
            items = [self.make(self.scenario, n) for n in numbers]
            with self._lock:
                self.sent += len(items)
            self._send(session, items)

    def _send(self, session: requests.Session, items: list[dict[str, Any]]) -> None:
        deadline = time.monotonic() + self.give_up_after_s
        while time.monotonic() < deadline:
            try:
                answer = session.post(f"{self.url}/v1/articles", json={"articles": items}, timeout=30)
            except requests.RequestException as exc:
                self._note(type(exc).__name__)
                time.sleep(0.5)
                continue
            if answer.status_code in (202, 400):
                ids = {item["id"] for item in answer.json()["items"] if "id" in item}
                with self._lock:
                    self.accepted |= ids
                return
            self._note(str(answer.status_code))
            time.sleep(min(float(answer.headers.get("Retry-After", "1")), 2.0))
