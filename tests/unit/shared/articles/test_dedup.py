"""Near-duplicate keys and the choice of the original (pure helpers; the lookup is tested end to end)."""

from __future__ import annotations

from typing import Any

import numpy as np
from datasketch import MinHash

from shared.articles.dedup import (
    NUM_PERM,
    SEED,
    band_keys,
    best_original,
    candidates_query,
    find_duplicates,
    hashed_jaccard,
    jaccard,
    shingle_hash32,
    shingle_hashes,
    shingle_set,
    signature,
    words_of,
)

STORY = (
    "The central bank kept its main interest rate unchanged on Thursday and said it would watch wages "
    "closely before deciding on any cut. Inflation fell to 2.4 percent in March, the lowest in two years, "
    "while unemployment stayed near a record low. Economists polled last week expected the first cut in June "
    "and two more before the end of the year. The currency weakened slightly after the announcement."
)


def test_small_edits_share_band_keys_and_other_stories_do_not() -> None:
    edited = STORY.replace("Thursday", "Thursday afternoon").replace("slightly", "a little")
    other = " ".join(reversed(STORY.split()))
    assert set(band_keys(STORY)) & set(band_keys(edited))
    assert not set(band_keys(STORY)) & set(band_keys(other))


def test_keys_are_stable_and_short_bodies_have_none() -> None:
    assert band_keys(STORY) == band_keys(STORY)
    assert band_keys("Too short to tell a copy from a coincidence.") == []


def test_keys_are_those_already_stored() -> None:
    # Indexed articles hold these keys (KEY_SCHEME 2): a change of the MinHash (code, datasketch's defaults) would
    # hide their copies unless the scheme number changes too, which rolls the index forward.
    assert band_keys(STORY)[:3] == ["b00:feefce5ffc6544c6", "b01:50c865a28d9aaf7e", "b02:e1d42d21ac629aab"]
    assert band_keys(STORY)[-1] == "b15:1ba53fa968aee4fe"


def test_the_signature_is_datasketchs() -> None:
    texts = [STORY, STORY[:60], "Москва, 5 марта — Переговоры продолжатся в среду, заявил министр. " * 3, "ü ß ﬁ 東京 " * 20]
    for text in texts:
        reference = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=shingle_hash32)
        reference.update_batch(sorted(shingle_set(text)))
        assert np.array_equal(signature(words_of(text)), reference.hashvalues)
        assert signature(words_of(text)).dtype == reference.hashvalues.dtype


def test_best_original_points_at_the_original() -> None:
    body = STORY.replace("Thursday", "Friday")
    candidates = [("unrelated", "Football results from the weekend " * 10, None), ("copy", STORY, "first")]
    assert best_original(body, candidates) == "first"
    assert best_original(body, candidates[:1]) is None
    assert candidates_query("new", band_keys(STORY))["bool"]["must_not"] == [{"ids": {"values": ["new"]}}]


class FakeSearch:
    """An Elasticsearch stand-in answering the batch's terms search with fixed hits (the real lookup, and its
    msearch fallback, are tested against Elasticsearch in tests/integration/test_dedup_lookup.py)."""

    def __init__(self, hits: list[dict[str, Any]] | None = None, fail: bool = False) -> None:
        self.hits, self.fail, self.calls = hits or [], fail, 0

    def search(self, query: dict[str, Any], size: int, **_: Any) -> dict[str, Any]:
        self.calls += 1
        if self.fail:
            raise ConnectionError("down")
        terms = set(query["terms"]["dedup_bands"])
        return {"hits": {"hits": [h for h in self.hits if terms & set(h["_source"]["dedup_bands"])][:size]}}


def doc(doc_id: str, body: str, at: str) -> dict[str, Any]:
    return {"id": doc_id, "body": body, "dedup_bands": band_keys(body), "ingested_at": at}


def test_a_batch_finds_copies_of_indexed_articles_and_of_its_own_earlier_articles() -> None:
    edited = STORY.replace("Thursday", "Friday")
    indexed = [{"_id": "old", "_source": {"body": STORY, "dedup_bands": band_keys(STORY)}}]
    football = "Football results from the weekend " * 10
    batch = [doc("b", edited, "2026-01-01T10:00:01Z"), doc("c", football, "2026-01-01T10:00:00Z")]
    search = FakeSearch(indexed)
    assert find_duplicates(search, "alias", batch) == {"b": "old"}
    assert search.calls == 1  # one round trip for the whole batch
    first, second = doc("x", STORY, "2026-01-01T10:00:00Z"), doc("y", edited, "2026-01-01T10:00:05Z")
    assert find_duplicates(FakeSearch(), "alias", [second, first]) == {"y": "x"}  # the earlier one is the original
    assert find_duplicates(FakeSearch(fail=True), "alias", [second, first]) == {"y": "x"}  # lookup down: the batch still counts


def test_remembered_word_hashes_stay_bounded_and_keys_do_not_change(monkeypatch: Any) -> None:
    from shared.articles import dedup

    expected = band_keys(STORY)
    monkeypatch.setattr(dedup._WordHashes, "LIMIT", 10)
    monkeypatch.setattr(dedup, "_WORD_HASHES", dedup._WordHashes())
    assert band_keys(STORY) == expected
    assert 0 < len(dedup._WORD_HASHES) <= 10


def test_the_hashed_comparison_gives_the_jaccard_of_the_shingle_strings() -> None:
    edited = STORY.replace("Thursday", "Thursday afternoon").replace("slightly", "a little")
    halves = STORY[: len(STORY) // 2] + " Football results from the weekend and the league table. " * 3
    for a, b in [(STORY, edited), (STORY, halves), (STORY, STORY), (STORY, "Too short."), ("", "")]:
        assert hashed_jaccard(shingle_hashes(a), shingle_hashes(b)) == jaccard(shingle_set(a), shingle_set(b))
