"""Straight into Elasticsearch: the engine's bulk limit (best of a small settings sweep) and the scale curve.

Documents are serialized to NDJSON bulk bodies up front (orjson), so the clock measures Elasticsearch, not
Python; the time of a run includes the final `_refresh`, so "indexed" means searchable, as end to end.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import orjson
import requests
from elasticsearch import Elasticsearch

from shared.analysis.document import suggestion
from shared.es import suggestions
from shared.es.index import drop_namespace, ensure_index
from shared.settings import Settings


@dataclass(frozen=True)
class BulkConfig:
    bulk_docs: int
    clients: int
    refresh: str  # the index's refresh_interval during the load ("-1": off, one refresh at the end)

    def label(self) -> str:
        return f"bulk {self.bulk_docs} docs, {self.clients} client(s), refresh {self.refresh}"


def bulk_bodies(docs: list[dict[str, Any]], alias: str, bulk_docs: int) -> Iterator[bytes]:
    """The documents as the indexer writes them: each with its suggestion beside it (shared/es/suggestions.py)."""
    for start in range(0, len(docs), bulk_docs):
        lines = []
        for doc in docs[start : start + bulk_docs]:
            lines.append(orjson.dumps({"index": {"_index": alias, "_id": doc["id"]}}))
            lines.append(orjson.dumps(doc))
            if shown := suggestion(doc):
                lines.append(orjson.dumps({"index": {"_index": suggestions.index_name(alias), "_id": doc["id"]}}))
                lines.append(orjson.dumps(shown))
        yield b"\n".join(lines) + b"\n"


def send_bulks(es_url: str, bodies: list[bytes], clients: int) -> None:
    def send(body: bytes, session: requests.Session) -> None:
        answer = session.post(f"{es_url}/_bulk", data=body, headers={"Content-Type": "application/x-ndjson"}, timeout=120)
        answer.raise_for_status()
        if answer.json().get("errors"):
            first = next(i for i in answer.json()["items"] if "error" in i["index"])
            raise RuntimeError(f"bulk refused a document: {first}")

    sessions = [requests.Session() for _ in range(clients)]
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(send, bodies, [sessions[i % clients] for i in range(len(bodies))]))


def fresh_index(es: Elasticsearch, namespace: str) -> str:
    settings = Settings(namespace=namespace)
    drop_namespace(es, settings.index_alias)
    return ensure_index(es, settings)


def timed_load(es: Elasticsearch, es_url: str, namespace: str, docs: list[dict[str, Any]], config: BulkConfig) -> float:
    """Docs per second for one load of `docs` into a fresh index with `config`; the index is dropped after."""
    alias = fresh_index(es, namespace)
    try:
        es.indices.put_settings(index=alias, settings={"refresh_interval": config.refresh})
        bodies = list(bulk_bodies(docs, alias, config.bulk_docs))
        t0 = time.monotonic()
        send_bulks(es_url, bodies, config.clients)
        es.indices.refresh(index=alias)
        elapsed = time.monotonic() - t0
        assert es.count(index=alias)["count"] == len(docs), "not every document was indexed"
        return len(docs) / elapsed
    finally:
        drop_namespace(es, alias)


def engine_limit(
    es: Elasticsearch, es_url: str, namespace: str, docs: list[dict[str, Any]], sweep: list[BulkConfig], repeats: int
) -> dict[str, Any]:
    """Sweep once per config, then the best config `repeats` times after a warm-up; medians."""
    timed_load(es, es_url, namespace, docs[: max(200, len(docs) // 5)], sweep[0])  # warm-up
    tried = {c.label(): round(timed_load(es, es_url, namespace, docs, c), 1) for c in sweep}
    best = max(sweep, key=lambda c: tried[c.label()])
    runs = [timed_load(es, es_url, namespace, docs, best) for _ in range(repeats)]
    return {
        "docs": len(docs),
        "sweep_docs_per_s": tried,
        "best": best.label(),
        "best_config": best.__dict__,
        "runs_docs_per_s": [round(r, 1) for r in runs],
        "docs_per_s": round(statistics.median(runs), 1),
    }


def store_bytes(es: Elasticsearch, alias: str) -> int:
    stats = es.indices.stats(index=alias, metric="store")
    return int(stats["_all"]["primaries"]["store"]["size_in_bytes"])


def grow(
    es: Elasticsearch, es_url: str, alias: str, batches: Iterator[list[dict[str, Any]]], config: BulkConfig
) -> list[dict[str, Any]]:
    """Load `batches` one after another into `alias` (kept), noting rate and size per 1,000 as the index grows."""
    return [
        load_step(es, es_url, alias, list(bulk_bodies(docs, alias, config.bulk_docs)), len(docs), config.clients)
        for docs in batches
    ]


def load_step(es: Elasticsearch, es_url: str, alias: str, bodies: list[bytes], count: int, clients: int) -> dict[str, Any]:
    """One step of a growing index: `count` documents in bulk `bodies`; the rate, and the size per 1,000 after it."""
    t0 = time.monotonic()
    send_bulks(es_url, bodies, clients)
    es.indices.refresh(index=alias)
    rate = count / (time.monotonic() - t0)
    es.indices.flush(index=alias)  # the store stats then count every segment on disk, not only the committed ones
    total = int(es.count(index=alias)["count"])
    size = store_bytes(es, alias)
    return {
        "articles": total,
        "docs_per_s": round(rate, 1),
        "store_mb": round(size / 1e6, 1),
        "kb_per_1000": round(size / 1e3 / (total / 1000), 1),
    }
