"""The batching consumer core: when batches flush, and that each article is settled exactly once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from services.worker.batching import Batcher, BatchPolicy, Pending, process_batch
from shared.article import NormalizedArticle
from shared.es.indexer import BulkOutcome


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_flushes_when_full_by_count_or_bytes_and_when_the_oldest_waited() -> None:
    flushed: list[list[str]] = []
    clock = Clock()
    batcher = Batcher(
        BatchPolicy(max_docs=3, max_bytes=100, max_wait_s=0.5), lambda b: flushed.append([p.payload["id"] for p in b]), clock
    )
    for n in range(4):
        batcher.add({"id": f"a{n}"}, size=10)
    assert flushed == [["a0", "a1", "a2"]]
    batcher.tick()
    assert len(flushed) == 1  # a3 has not waited yet
    clock.now = 0.6
    batcher.tick()
    assert flushed[-1] == ["a3"]
    batcher.add({"id": "big"}, size=150)
    assert flushed[-1] == ["big"]
    batcher.tick()
    assert len(flushed) == 3  # nothing left to flush


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []

    def done(self, item: Pending, article_id: str, superseded: bool) -> None:
        self.events.append(("superseded" if superseded else "indexed", item.payload["n"]))

    def retry(self, item: Pending, reason: str) -> None:
        self.events.append(("retry", item.payload["n"]))

    def failed(self, item: Pending, reason: str) -> None:
        self.events.append(("failed", item.payload["n"]))


def normalize(payload: dict[str, Any]) -> NormalizedArticle:
    if payload.get("broken"):
        raise ValueError("unreadable")
    return NormalizedArticle(id=payload["id"], title="t", body="b")


def test_one_bulk_for_the_batch_and_every_article_settled_once() -> None:
    calls: list[dict[str, int]] = []

    def index(articles: Iterable[NormalizedArticle], versions: Mapping[str, int]) -> BulkOutcome:
        calls.append(dict(versions))
        return BulkOutcome(stored=["ok"], superseded=["old"], retryable={"busy": "429"}, rejected={"bad": "400"})

    payloads = [
        {"n": "1", "id": "ok", "v": 1},
        {"n": "2", "id": "old", "v": 1},
        {"n": "3", "id": "busy", "v": 1},
        {"n": "4", "id": "bad", "v": 1},
        {"n": "5", "id": "x", "broken": True, "v": 1},
        {"n": "6", "id": "ok", "v": 0},  # an older copy of "ok" in the same batch
    ]
    settle = Recorder()
    result = process_batch([Pending(p, 0.0) for p in payloads], normalize, index, lambda p: int(p["v"]), settle)
    assert calls == [{"ok": 1, "old": 1, "busy": 1, "bad": 1}]  # one bulk, the newer copy of "ok"
    assert sorted(settle.events) == sorted(
        [("indexed", "1"), ("superseded", "2"), ("retry", "3"), ("failed", "4"), ("failed", "5"), ("superseded", "6")]
    )
    assert (result.indexed, result.superseded, result.retried, result.failed) == (1, 2, 1, 2)
