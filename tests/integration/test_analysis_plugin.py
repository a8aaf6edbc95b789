"""The analysis plugin (infra/elasticsearch/analysis-plugin) on the real node: each component through `_analyze`."""

from __future__ import annotations

from typing import Any

import pytest
from elasticsearch import BadRequestError, Elasticsearch

from shared.settings import get_settings


@pytest.fixture(scope="module")
def es() -> Elasticsearch:
    return Elasticsearch(get_settings().elasticsearch_url)


def tokens(es: Elasticsearch, **request: Any) -> list[str]:
    return [t["token"] for t in es.indices.analyze(**request)["tokens"]]


def test_the_node_runs_the_plugin(es: Elasticsearch) -> None:
    assert "newsroom-analysis" in {p["component"] for p in es.cat.plugins(format="json")}


@pytest.mark.parametrize(
    ("analyzer", "text", "expected"),
    [
        ("english", "The floods were flooding Almaty's streets", ["flood", "were", "flood", "almati", "street"]),
        ("russian", "Наводнения затопили улицы Алматы", ["наводнен", "затоп", "улиц", "алмат"]),
        ("german", "Die Überschwemmungen erreichten die Häuser", ["uberschwemmung", "erreicht", "haus"]),
        ("french", "L'inondation a touché les maisons", ["inond", "a", "touch", "maison"]),
        ("spanish", "Las inundaciones afectaron las casas", ["inundacion", "afectaron", "cas"]),
    ],
)
def test_language_analyzers_are_lucenes_own(es: Elasticsearch, analyzer: str, text: str, expected: list[str]) -> None:
    assert tokens(es, analyzer=analyzer, text=text) == expected


def test_snowball_filter_stems_in_the_named_language(es: Elasticsearch) -> None:
    chain = ["lowercase", {"type": "snowball", "language": "Russian"}]
    assert tokens(es, tokenizer="standard", filter=chain, text="Наводнения наводнение") == ["наводнен", "наводнен"]


@pytest.mark.parametrize(
    ("language", "word", "stem"),
    [("english", "generously", "gener"), ("porter2", "generously", "generous"), ("light_german", "Häuser", "haus")],
)
def test_stemmer_filter_offers_the_full_distributions_names(es: Elasticsearch, language: str, word: str, stem: str) -> None:
    chain = ["lowercase", {"type": "stemmer", "language": language}]
    assert tokens(es, tokenizer="standard", filter=chain, text=word) == [stem]


def test_an_unknown_stemmer_is_refused_naming_the_setting(es: Elasticsearch) -> None:
    with pytest.raises(BadRequestError) as refused:
        tokens(es, tokenizer="standard", filter=[{"type": "stemmer", "language": "klingon"}], text="x")
    assert "[language] has no stemmer named [klingon]" in str(refused.value.info)


def test_ascii_folding_folds_and_can_keep_the_original(es: Elasticsearch) -> None:
    assert tokens(es, tokenizer="standard", filter=["asciifolding"], text="Café Zürich") == ["Cafe", "Zurich"]
    keep = [{"type": "asciifolding", "preserve_original": True}]
    assert tokens(es, tokenizer="standard", filter=keep, text="Café") == ["Cafe", "Café"]


def test_elision_drops_french_articles_by_default_and_the_listed_ones_otherwise(es: Elasticsearch) -> None:
    assert tokens(es, tokenizer="standard", filter=["elision"], text="l'inondation d'Almaty") == ["inondation", "Almaty"]
    italian = [{"type": "elision", "articles": ["dell"]}]
    assert tokens(es, tokenizer="standard", filter=italian, text="dell'alluvione l'acqua") == ["alluvione", "l'acqua"]


def test_html_strip_removes_markup_and_decodes_entities_keeping_offsets(es: Elasticsearch) -> None:
    found = es.indices.analyze(tokenizer="standard", char_filter=["html_strip"], text="<p>Flood &amp; <b>rain</b></p>")
    assert [(t["token"], t["start_offset"]) for t in found["tokens"]] == [("Flood", 3), ("rain", 18)]
    escaped = [{"type": "html_strip", "escaped_tags": ["b"]}]
    assert tokens(es, tokenizer="standard", char_filter=escaped, text="<p>Flood <b>rain</b></p>") == ["Flood", "b", "rain", "b"]
