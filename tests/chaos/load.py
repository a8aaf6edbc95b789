"""The load: a few thousand articles sent in small batches at a steady rate, the way a partner's importer
would, retrying (with the same articles, hence the same ids) on 503, 429 and connection errors. Every
`edit_every`-th article is sent again a few batches later with a corrected body (the same URL, so the same
id): the census then checks that the stored copy is the last version accepted, not the first."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import requests

from shared.articles.ids import article_id
from tests.chaos.census import Accepted

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


def edited(item: dict[str, Any]) -> dict[str, Any]:
    """The article's second version: the same URL (so the same id), its body corrected."""
    return {**item, "body": item["body"] + " Correction: an earlier version of this story gave the wrong day."}


EDIT_LAG = 5  # an article's second version is sent this many batches after the batch of its first


@dataclass(frozen=True)
class Job:
    numbers: list[int]
    second_version: bool = False


def schedule(total: int, batch: int, edit_every: int) -> list[Job]:
    """The batches in sending order: the articles in order, and the second versions of every `edit_every`-th
    article (0, 10, 20, ...) in batches of their own, each EDIT_LAG batches after the last first version it holds."""
    slots = [[Job(list(range(i, min(i + batch, total))))] for i in range(0, total, batch)]
    edits = [n for n in range(total) if edit_every and n % edit_every == 0]
    for i in range(0, len(edits), batch):
        numbers = edits[i : i + batch]
        slots[min(numbers[-1] // batch + EDIT_LAG, len(slots) - 1)].append(Job(numbers, second_version=True))
    return [job for slot in slots for job in slot]


@dataclass
class Load:
    url: str
    scenario: str
    total: int
    rate_per_s: float
    batch: int = 20
    threads: int = 3
    make: Callable[[str, int], dict[str, Any]] = article
    edit_every: int = 10  # 0: no second versions
    give_up_after_s: float = 240
    versions: Accepted = field(default_factory=Accepted)  # what each 202 accepted, in order: the census's reference
    sent: int = 0
    refusals: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)
    _finished: set[int] = field(default_factory=set)  # articles whose first version was answered (or given up)
    _finishing: threading.Condition = field(default_factory=threading.Condition)

    @property
    def accepted(self) -> set[str]:
        return self.versions.ids

    def start(self) -> None:
        jobs = schedule(self.total, self.batch, self.edit_every)
        interval = self.batch / self.rate_per_s
        t0 = time.monotonic()
        for k in range(self.threads):
            mine = [(t0 + j * interval, job) for j, job in enumerate(jobs) if j % self.threads == k]
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

    def _run(self, jobs: list[tuple[float, Job]]) -> None:
        session = requests.Session()
        for due, job in jobs:
            time.sleep(max(0.0, due - time.monotonic()))
            items = [self.make(self.scenario, n) for n in job.numbers]
            if job.second_version:
                items = [edited(item) for item in items]
                # Only once the first version was answered, so the last 202 the load saw is the last the service gave.
                with self._finishing:
                    self._finishing.wait_for(partial(self._finished.issuperset, job.numbers))
            with self._lock:
                self.sent += len(items)
            try:
                self._send(session, items)
            finally:
                if not job.second_version:
                    with self._finishing:
                        self._finished.update(job.numbers)
                        self._finishing.notify_all()

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
                for item, outcome in zip(items, answer.json()["items"], strict=True):
                    if "id" in outcome:
                        self.versions.record(outcome["id"], item.get("title"), item.get("body"))
                return
            self._note(str(answer.status_code))
            time.sleep(min(float(answer.headers.get("Retry-After", "1")), 2.0))
        for item in items:  # no answer: the service may have taken any of them
            title, body = item.get("title"), item.get("body")
            self.versions.unsure(article_id(item.get("url"), title, body), title, body)
