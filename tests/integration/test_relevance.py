"""The judged query set (docs/relevance.md) on the real node: the ranking keeps what users would notice.

Floors are the figures measured with the Python stemming (commit 532796a) minus a small margin; single queries
are the morphology a newsroom leans on, each of which must find its article first."""

from __future__ import annotations

import pytest

from tests.relevance.evaluate import run
from tests.relevance.metrics import Scored, by, summary

# query id -> (articles that use only another form of the query's word, the rank they must reach); the first hit of
# each query must be relevant too. Articles holding the query's exact form rank above mere stem matches by design
# (shared/es/queries.py), hence rank 10 where real pages say "elections" and "protesters" as typed.
TOP: dict[str, tuple[set[str], int]] = {
    "flooding": ({"story-floods-1", "story-floods-2"}, 3),  # "floods"
    "elections": ({"story-election"}, 10),  # "election"
    "protesters": ({"story-protest"}, 10),  # "protest", "protested"
    "typhoons": ({"page-48-en-text-manila-heldout"}, 1),
    "elektrobusy": ({"page-41-ru-text-novosibirsk"}, 1),  # электробусы → электробусов
    "bundeshaushalts": ({"page-19-de-berlin-haushalt"}, 1),
    "telepheriques": ({"page-26-fr-text-lyon"}, 1),
    "megapuertos": ({"page-35-es-lima"}, 1),
}


@pytest.fixture(scope="module")
def scored() -> dict[str, Scored]:
    results, _ = run()
    return {s.id: s for s in results}


def test_mrr_and_precision_do_not_fall(scored: dict[str, Scored]) -> None:
    overall = summary(scored.values())
    assert overall["mrr"] >= 0.92, overall  # 0.948 measured
    assert overall["precision_at_10"] >= 0.19, overall  # 0.205 of a 0.215 ceiling


def test_morphology_and_languages_do_not_fall(scored: dict[str, Scored]) -> None:
    categories, languages = by(list(scored.values()), "category"), by(list(scored.values()), "language")
    assert categories["morphology"]["mrr"] >= 0.85, categories["morphology"]  # 0.897
    assert categories["multi-word"]["mrr"] >= 0.90, categories["multi-word"]  # 0.943
    assert languages["en"]["mrr"] >= 0.97, languages["en"]  # 1.000
    for code in ("ru", "de", "fr", "es"):
        assert languages[code]["mrr"] >= 0.75, (code, languages[code])  # 0.78 to 0.92


@pytest.mark.parametrize("query_id", sorted(TOP))
def test_an_inflected_form_finds_its_article_first(scored: dict[str, Scored], query_id: str) -> None:
    query, (wanted, within) = scored[query_id], TOP[query_id]
    assert query.first_relevant == 1, (query.q, query.hits)
    assert wanted <= set(query.hits[:within]), (query.q, query.hits)
