"""What the search API answers, as typed models: the OpenAPI document's answers (results.py builds them)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.articles.model import NormalizedArticle


class HitLocation(BaseModel):
    city: str | None
    country: str | None
    country_code: str | None
    lat: float | None
    lon: float | None


class Hit(BaseModel):
    id: str
    title: str | None
    subtitle: str | None = None
    snippet: str = Field(description="Matched words in <mark>, everything else HTML-escaped.")
    url: str | None
    source: str | None
    published_at: str | None
    language: str | None
    score: float | None
    location: HitLocation
    duplicate_of: str | None = None


class ValueCount(BaseModel):
    value: str
    count: int


class CountryCount(BaseModel):
    value: str = Field(description="ISO 3166 alpha-2 code")
    label: str
    count: int


class Bar(BaseModel):
    """One bar of the date histogram: `from` and `to` its first and last day (inclusive, UTC)."""

    model_config = ConfigDict(populate_by_name=True)

    key: str
    start: str = Field(alias="from", json_schema_extra={"format": "date"})
    end: str = Field(alias="to", json_schema_extra={"format": "date"})
    count: int


class GeoCell(BaseModel):
    value: str = Field(description="geohash")
    count: int
    lat: float | None = None
    lon: float | None = None


class Facets(BaseModel):
    """Counts of the query with every other filter applied, without the facet's own."""

    location: list[ValueCount]
    country: list[CountryCount]
    source: list[ValueCount]
    language: list[ValueCount]
    published: list[Bar]
    geo: list[GeoCell] | None = Field(None, description="only when facets=geo was asked")


class SearchAnswer(BaseModel):
    total: int
    took_ms: int
    partial: bool = Field(description="Elasticsearch ran out of time (SEARCH_TIMEOUT): hits and counts so far.")
    paging: Literal["stable", "live"] = Field(
        description="live: a relevance order paged without a point in time (this client's cap reached); "
        "pages may repeat or skip an article while articles arrive."
    )
    next_cursor: str | None
    hits: list[Hit]
    facets: Facets


class Suggestion(BaseModel):
    kind: Literal["title", "place"]
    text: str
    id: str | None = Field(description="the article of a title")
    filter: dict[str, str] | None = Field(None, description="the search parameter of a place (location or country)")


class Suggestions(BaseModel):
    suggestions: list[Suggestion]


class Article(NormalizedArticle):
    """The whole normalized article, as indexed (its notes and the fields only search reads left out)."""

    model_config = ConfigDict(extra="allow")


class TopicAnswer(BaseModel):
    """A topic (docs/topics.md)."""

    id: str
    name: str
    query: dict[str, str | list[str]] = Field(description="The parameters of GET /v1/search it runs, as given.")
    webhook_url: str | None
    created_at: str
    updated_at: str
    webhook_secret: str | None = Field(
        None, description="Standard Webhooks secret (whsec_...): only in the answer that made the webhook, never again."
    )


class TopicList(BaseModel):
    items: list[TopicAnswer]
