"""The near-duplicate lookup against Elasticsearch: one search for a whole batch gives each document exactly the
candidates a search of its own gives (the msearch it replaces), and a batch with too many hits for one search
falls back to that msearch."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from shared.articles import dedup
from shared.es.index import drop_namespace, ensure_index
from shared.settings import Settings
from tests.stack import Stack

WORDS = [
    "harbour",
    "council",
    "vote",
    "budget",
    "river",
    "flood",
    "bridge",
    "school",
    "rail",
    "strike",
    "wheat",
    "export",
    "election",
    "court",
]


def body(n: int, variant: int) -> str:
    """Stories in families: the same family shares most of its text, so its members share band keys."""
    family = [WORDS[(n * 7 + i * 3) % len(WORDS)] + f"{n}x{i}" for i in range(60)]
    family[variant % 60] = f"edit{variant}"
    return " ".join(family)


def doc(doc_id: str, text: str, second: int) -> dict[str, Any]:
    return {"id": doc_id, "body": text, "dedup_bands": dedup.band_keys(text), "ingested_at": f"2026-01-01T10:00:{second:02d}Z"}


@pytest.fixture
def alias(stack: Stack) -> Any:
    settings = Settings(namespace=f"{stack.namespace}-dedup{uuid.uuid4().hex[:4]}")
    ensure_index(stack.es, settings)
    indexed = [doc(f"old{f}-{v}", body(f, v), v) for f in range(4) for v in range(6)]
    for d in indexed:
        stack.es.index(index=settings.index_alias, id=d["id"], document=d)
    stack.es.indices.refresh(index=settings.index_alias)
    yield settings.index_alias
    drop_namespace(stack.es, settings.index_alias)


def test_one_search_gives_each_document_what_its_own_search_gives(stack: Stack, alias: str) -> None:
    batch = [doc(f"new{f}", body(f, 40 + f), 59) for f in range(6)] + [doc("old1-2", body(1, 2), 2)]  # a redelivery too
    together = dedup._one_search(stack.es, alias, batch)
    assert together == dedup._msearch(stack.es, alias, batch)
    assert [len(c) for c in together] == [6, 6, 6, 6, 0, 0, 5]  # families 0-3 are indexed; itself is never its own
    assert together[0][0][0] == "old0-0"  # the oldest first


def test_more_hits_than_one_search_may_hold_fall_back_to_one_search_each(
    stack: Stack, alias: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dedup, "MAX_CANDIDATES", 2)
    batch = [doc("new0", body(0, 50), 59), doc("new1", body(1, 50), 59)]
    assert dedup._one_search(stack.es, alias, batch) is None  # 12 hits for room for 4
    found = dedup._indexed_candidates(stack.es, alias, batch)
    assert found == dedup._msearch(stack.es, alias, batch)
    assert [[c[0] for c in lst] for lst in found] == [["old0-0", "old0-1"], ["old1-0", "old1-1"]]
