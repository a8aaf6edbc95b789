"""What became of a step's articles: the chaos census (tests/chaos/census.py) over the documents of that step.

Every article's URL carries its step's scenario (`https://chaos.example.org/<scenario>/<n>`), so the step's
census counts only its own documents: its duplicate checks still see two documents of one story (same URL) or
of one text (same title and body), and another step's documents are not reported as strays."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from tests.chaos.census import Accepted, Census, count, dead_letters, stored_documents, writes_in_logs
from tests.soak.stack import Stack


class Count(Protocol):
    @property
    def settled(self) -> bool: ...


C = TypeVar("C", bound=Count)


@dataclass
class Settled(Generic[C]):
    census: C | None  # None: no census could be taken (an engine still away)
    after_s: float  # from the start of the wait until settled, or the whole wait when it never was

    @property
    def settled(self) -> bool:
        return self.census is not None and self.census.settled


def step_census(stack: Stack, scenario: str, accepted: Accepted) -> Census:
    mine = f"/{scenario}/"
    stored = [doc for doc in stored_documents(stack.es, stack.settings.index_alias) if doc.url and mine in doc.url]
    writes = writes_in_logs([stack.logs / "indexer.log"])
    return count(stored, accepted, dead_letters(stack.redis, stack.settings), writes)


def run_census(stack: Stack, accepted: Accepted) -> Census:
    """Every document of the run: strays here are documents no step got accepted."""
    return stack.census(accepted)


def settle(take: Callable[[], C], timeout: float, every: float = 2.0) -> Settled[C]:
    """Take the census until it is settled: every accepted article searchable in its last version or dead-lettered
    (the article census), every match recorded and delivered (the topic census, tests/chaos/topics.py)."""
    started = time.monotonic()
    census: C | None = None
    while True:
        try:
            census = take()
        except Exception as exc:  # noqa: BLE001 - an engine still coming back: look again
            print(f"  census: {type(exc).__name__}: {exc}"[:200], file=sys.stderr)
        elapsed = time.monotonic() - started
        if (census is not None and census.settled) or elapsed >= timeout:
            return Settled(census, elapsed)
        time.sleep(every)
