"""The article while it is being normalized: what parsers fill and rules refine."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Draft:
    id: str
    url: str | None = None
    source: str | None = None
    title: str | None = None
    subtitle: str | None = None
    body: str = ""
    language: str | None = None
    published_raw: str | None = None  # as the page or client wrote it
    published_at: str | None = None  # ISO 8601 with offset, once resolved
    date_evidence: list[tuple[str, str]] = field(default_factory=list)  # a page's (source, written date), trusted first
    location_raw: str | None = None  # dateline text such as "Astana, Kazakhstan"
    location: dict[str, object] | None = None
    places_mentioned: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    html: str | None = None  # the page, when the input was HTML
    subtitle_from_meta: bool = False  # a page's meta description, often its first paragraph: not cut from the body
    notes: list[str] = field(default_factory=list)
