"""The hand-written gold pages (tests/fixtures/pages): every page keeps its title, date, place and body.

`make bench-quality` prints the same scores beside plain trafilatura's; this test keeps them from slipping.
"""

from __future__ import annotations

import pytest

from tests.quality.bench_quality import ours, payload_of, same_time
from tests.quality.corpus import GoldPage, fold, gold_pages
from tests.quality.scoring import f1_of, precision_recall

PAGES = list(gold_pages())


def test_the_corpus_is_at_least_40_pages_in_4_languages_html_and_text() -> None:
    assert len(PAGES) >= 40
    assert len({p.name.split("-")[1] for p in PAGES}) >= 4
    assert {p.kind for p in PAGES} == {"html", "text"}


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_gold_page(page: GoldPage) -> None:
    got = ours(page)
    gold = page.gold
    assert fold(got["title"] or "") == fold(gold["title"])
    assert same_time(got["published_at"], gold["published_at"]), got["published_at"]
    assert got["place"] is not None and got["place"][1] == gold["place"]["country_code"]
    assert f1_of([precision_recall(got["body"], page.gold_body)])[2] >= 0.9  # the corpus as a whole: 0.99 (bench-quality)
    assert payload_of(page)["id"] == page.name
