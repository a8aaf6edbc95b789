"""The article as clients send it, and the normalized article that is indexed."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.articles.limits import MAX_BODY, MAX_NAME, MAX_SHORT, MAX_SUBTITLE, es_length, unstorable


def _storable(value: str) -> str:
    """A string the system can store: no U+0000, no lone surrogate (shared/articles/limits.py)."""
    problem = unstorable(value)
    if problem:
        raise ValueError(problem)
    return value


def _within_body_size(value: str) -> str:
    length = es_length(value)
    if length > MAX_BODY:
        raise ValueError(
            f"is {length} characters long as Elasticsearch counts them (a character beyond U+FFFF, such as an emoji, "
            f"counts twice); at most {MAX_BODY}"
        )
    return value


# Lengths and characters follow the size policy (shared/articles/limits.py): what the index can store, search and highlight.
Storable = AfterValidator(_storable)


class ArticleIn(BaseModel):
    """One article as the contract's `POST /v1/articles` takes it."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    url: Annotated[str, Field(max_length=MAX_SHORT), Storable] | None = None
    title: Annotated[str, Field(max_length=MAX_SHORT), Storable] | None = None
    subtitle: Annotated[str, Field(max_length=MAX_SUBTITLE), Storable] | None = None
    body: Annotated[str, Field(max_length=MAX_BODY), Storable, AfterValidator(_within_body_size)] | None = None
    published_at: Annotated[str, Field(max_length=200), Storable] | None = None
    location: Annotated[str, Field(max_length=MAX_NAME), Storable] | None = None
    source: Annotated[str, Field(max_length=MAX_NAME), Storable] | None = None
    language: Annotated[str, Field(max_length=35), Storable] | None = None
    authors: list[Annotated[str, Field(max_length=MAX_SHORT), Storable]] = Field(default_factory=list, max_length=100)
    tags: list[Annotated[str, Field(max_length=MAX_SHORT), Storable]] = Field(default_factory=list, max_length=200)

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
    # Near-duplicate detection (shared/articles/dedup.py): MinHash LSH band keys of the body, matched by a terms query.
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
