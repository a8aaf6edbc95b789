"""The article as clients send it, and the normalized article that is indexed."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.settings import get_settings

# Field lengths come from the settings (MAX_TEXT_CHARS, MAX_SHORT_CHARS), read once at import.
MAX_TEXT = get_settings().max_text_chars
MAX_SHORT = get_settings().max_short_chars


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
    authors: list[Annotated[str, Field(max_length=MAX_SHORT)]] = Field(default_factory=list, max_length=100)
    tags: list[Annotated[str, Field(max_length=MAX_SHORT)]] = Field(default_factory=list, max_length=200)

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
    # Near-duplicate detection (shared/dedup.py): MinHash LSH band keys of the body, matched by a terms query.
    dedup_bands: list[str] = Field(default_factory=list)


# IPTC ninjs (1.x and 2.x) → the contract's article fields. Recognised by its own field names.
NINJS_FIELDS = frozenset({"uri", "headline", "headlines", "body_text", "body_html", "bodies", "versioncreated", "firstcreated"})


def looks_like_ninjs(data: dict[str, Any]) -> bool:
    """A ninjs object rather than the contract's article: ninjs fields, and neither `title` nor `body`."""
    return "title" not in data and "body" not in data and bool(NINJS_FIELDS & data.keys())


def _values(items: Any, role: str | None = None) -> list[str]:
    """`[{"value": ..., "role": ...}]` (ninjs 2) → the values, those of `role` first."""
    if not isinstance(items, list):
        return []
    found = [i for i in items if isinstance(i, dict) and isinstance(i.get("value"), str)]
    found.sort(key=lambda i: i.get("role") != role)
    return [i["value"] for i in found]


def _listed(value: Any) -> list[Any]:
    return [value] if isinstance(value, str) else list(value) if isinstance(value, list) else []


def _first(values: list[str]) -> str | None:
    return values[0] if values else None


def _names(items: Any) -> list[str]:
    if not isinstance(items, list):
        return []
    return [i["name"] for i in items if isinstance(i, dict) and isinstance(i.get("name"), str)]


def ninjs_to_article(data: dict[str, Any]) -> dict[str, Any]:
    """The fields of `ArticleIn` found in a ninjs object; types are left for `ArticleIn` to check."""
    headlines = _values(data.get("headlines"), "main")
    subs = [h for h in _values(data.get("headlines"), "sub") if h not in headlines[:1]]
    bodies = _values(data.get("bodies"), "main")
    uri = data.get("uri")
    article = {
        "url": uri if isinstance(uri, str) and uri.startswith(("http://", "https://")) else None,
        "title": data.get("headline") or _first(headlines),
        "subtitle": _first(subs) or data.get("description_text") or _first(_values(data.get("descriptions"))),
        "body": data.get("body_html") or data.get("body_text") or _first(bodies),
        "published_at": data.get("firstcreated") or data.get("versioncreated") or data.get("contentcreated"),
        "location": data.get("located") or _first(_names(data.get("places"))),
        "source": _first(_names(data.get("infosources"))) or data.get("copyrightholder"),
        "language": data.get("language"),
        "authors": data.get("byline") or data.get("by") or [],
        "tags": [*_listed(data.get("keywords")), *_names(data.get("subject")), *_names(data.get("subjects"))],
    }
    return {k: v for k, v in article.items() if v is not None}
