"""Near-duplicate keys and the choice of the original (pure helpers; the lookup is tested end to end)."""

from __future__ import annotations

from shared.article import NormalizedArticle
from shared.dedup import band_keys, best_match, candidates_query

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


def test_best_match_points_at_the_original() -> None:
    article = NormalizedArticle(id="new", body=STORY.replace("Thursday", "Friday"), dedup_bands=band_keys(STORY))
    hits = [
        {"_id": "unrelated", "_source": {"body": "Football results from the weekend " * 10}},
        {"_id": "copy", "_source": {"body": STORY, "duplicate_of": "first"}},
    ]
    assert best_match(article, hits) == "first"
    assert best_match(article, hits[:1]) is None
    assert candidates_query(article)["bool"]["must_not"] == [{"ids": {"values": ["new"]}}]
