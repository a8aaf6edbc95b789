"""One table of the indexed fields: the mapping, full-text fields and facets all come from it.

The texts are searched twice: as written (the `standard` analyzer, language-neutral) and in the article's language
(`lang.<stemmer>.title|subtitle|body`, analysed by that language's analyzer of shared/es/analysis.py), so "flooding"
finds "floods" in English articles and the exact form still ranks first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.analysis.document import ANALYSED
from shared.analysis.languages import stemmers
from shared.articles.dedup import KEY_SCHEME
from shared.es.analysis import analyzer_name


@dataclass(frozen=True)
class Field:
    name: str
    mapping: dict[str, Any]
    boost: float = 0.0  # > 0: searched by full-text queries with this weight
    facet: str | None = None  # keyword path aggregated for the facet of this name


TEXT_WITH_KEYWORD: dict[str, Any] = {
    "type": "text",
    "analyzer": "standard",
    "fields": {"keyword": {"type": "keyword", "ignore_above": 512}},
}
KEYWORD: dict[str, Any] = {"type": "keyword", "ignore_above": 512}
COMPLETION: dict[str, Any] = {"type": "completion", "analyzer": "simple", "max_input_length": 100}


def language_mapping() -> dict[str, Any]:
    """`lang.<stemmer>.<text>`: one object per stemmer, its texts analysed by it (an article fills its own only)."""
    return {"properties": {stemmer: {"properties": _analysed_by(stemmer)} for stemmer in stemmers()}}


def _analysed_by(stemmer: str) -> dict[str, Any]:
    return {name: {"type": "text", "analyzer": analyzer_name(stemmer)} for name in ANALYSED}


FIELDS: tuple[Field, ...] = (
    Field("id", KEYWORD),
    Field("url", {"type": "keyword", "ignore_above": 4096}),
    Field("source", TEXT_WITH_KEYWORD, facet="source.keyword"),
    Field("title", TEXT_WITH_KEYWORD, boost=3.0),
    Field("subtitle", {"type": "text", "analyzer": "standard"}, boost=2.0),
    Field("body", {"type": "text", "analyzer": "standard"}, boost=1.0),
    Field("language", KEYWORD, facet="language"),
    Field("published_at", {"type": "date", "format": "strict_date_optional_time"}),
    Field(
        "location",
        {
            "properties": {
                "city": TEXT_WITH_KEYWORD,
                "region": KEYWORD,
                "country": TEXT_WITH_KEYWORD,
                "country_code": KEYWORD,
                "geo": {"type": "geo_point"},
                "timezone": KEYWORD,
            }
        },
    ),
    Field("places_mentioned", KEYWORD),
    Field("authors", TEXT_WITH_KEYWORD),
    Field("tags", KEYWORD),
    Field("ingested_at", {"type": "date"}),
    Field("indexed_at", {"type": "date"}),
    Field("content_hash", KEYWORD),
    Field("duplicate_of", KEYWORD),
    # Not searched, but kept in doc values, where a value over 32,766 bytes fails the whole document: ignore_above.
    Field("notes", {"type": "keyword", "index": False, "ignore_above": 1024}),
    # Near-duplicates (shared/articles/dedup.py): MinHash LSH band keys; two articles sharing one are compared.
    Field("dedup_bands", KEYWORD),
    # Search (docs/search-api.md): the texts again under their language's analyzer (added as it is written). The
    # completions for /v1/suggest have their own index (shared/es/suggestions.py).
    Field("lang", language_mapping()),
)

FACETS: dict[str, str] = {
    "location": "location.city.keyword",
    "country": "location.country_code",
    "source": "source.keyword",
    "language": "language",
}


def mappings() -> dict[str, Any]:
    # `_meta` records what the stored values depend on beyond the mapping: the near-duplicate keys' recipe.
    return {"dynamic": "strict", "_meta": {"dedup_scheme": KEY_SCHEME}, "properties": {f.name: f.mapping for f in FIELDS}}


def full_text_fields() -> list[str]:
    """`name^boost` for every full-text field, as query_string-like queries take them."""
    return [f"{f.name}^{f.boost:g}" for f in FIELDS if f.boost > 0]


def language_fields(stemmer: str) -> list[str]:
    """`lang.<stemmer>.name^boost` for every full-text field: its text as that language's analyzer saw it."""
    return [f"lang.{stemmer}.{f.name}^{f.boost:g}" for f in FIELDS if f.boost > 0]
