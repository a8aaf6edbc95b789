"""The article as clients send it, and the normalized article that is indexed."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MAX_TEXT = 1_000_000
MAX_SHORT = 2_000


class ArticleIn(BaseModel):
    """One article as the contract's `POST /v1/articles` takes it."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    url: str | None = Field(None, max_length=MAX_SHORT)
    title: str | None = Field(None, max_length=MAX_SHORT)
    subtitle: str | None = Field(None, max_length=MAX_SHORT * 5)
    body: str | None = Field(None, max_length=MAX_TEXT)
    published_at: str | None = Field(None, max_length=200)
    location: str | None = Field(None, max_length=500)
    source: str | None = Field(None, max_length=500)
    language: str | None = Field(None, max_length=35)
    authors: list[str] = Field(default_factory=list, max_length=100)
    tags: list[str] = Field(default_factory=list, max_length=200)

    @field_validator("authors", "tags", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        # Feeds and CMS exports often give a single author as a string.
        return [value] if isinstance(value, str) else value

    @model_validator(mode="after")
    def _needs_title_or_body(self) -> ArticleIn:
        if not (self.title or self.body):
            raise ValueError("an article needs a title or a body")
        return self


class Location(BaseModel):
    city: str | None = None
    region: str | None = None
    country: str | None = None
    country_code: str | None = None
    lat: float | None = None
    lon: float | None = None
    timezone: str | None = None


class NormalizedArticle(BaseModel):
    """What the workers index: the contract's normalized article."""

    id: str
    url: str | None = None
    source: str | None = None
    title: str | None = None
    subtitle: str | None = None
    body: str = ""
    language: str | None = None
    published_at: str | None = None
    location: Location | None = None
    places_mentioned: list[str] = Field(default_factory=list)
    authors: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    ingested_at: str | None = None
    indexed_at: str | None = None
    content_hash: str = ""
    duplicate_of: str | None = None
    notes: list[str] = Field(default_factory=list)
