"""Fields an article gets for search beside its normalized ones: stems and completions."""

from __future__ import annotations

from typing import Any

from shared.analysis.stemming import stem_text, words

STEMMED = ("title", "subtitle", "body")
TITLE_SUFFIXES = 6  # a title is also completed from its 2nd..6th word ("alm" finds "Flood in Almaty")


def title_inputs(title: str) -> list[str]:
    parts = title.split()
    inputs = [" ".join(parts[i:]) for i in range(min(len(parts), TITLE_SUFFIXES)) if words(parts[i])]
    return [i[:200] for i in inputs]


def search_fields(doc: dict[str, Any]) -> dict[str, Any]:
    """`title_stem`, `subtitle_stem`, `body_stem` in the article's language, and the completion inputs."""
    language = doc.get("language")
    extra: dict[str, Any] = {f"{name}_stem": stem_text(doc.get(name), language) for name in STEMMED if doc.get(name)}
    if doc.get("duplicate_of"):
        return extra  # a duplicate is never suggested: its original is
    if doc.get("title"):
        extra["title_suggest"] = title_inputs(doc["title"])
    location = doc.get("location") or {}
    places = [p for p in (location.get("city"), location.get("country")) if p]
    if places:
        extra["place_suggest"] = places
    return extra
