"""Fields an article gets for search beside its normalized ones: its texts for its language's analyzer, completions."""

from __future__ import annotations

from typing import Any

from shared.analysis.languages import stemmer_of, words

ANALYSED = ("title", "subtitle", "body")  # searched in the article's language too, under `lang.<stemmer>.<name>`
DERIVED = ["lang", "*_suggest"]  # fields only the index reads: never shown to a reader
TITLE_SUFFIXES = 6  # a title is also completed from its 2nd..6th word ("alm" finds "Flood in Almaty")


def title_inputs(title: str) -> list[str]:
    parts = title.split()
    inputs = [" ".join(parts[i:]) for i in range(min(len(parts), TITLE_SUFFIXES)) if words(parts[i])]
    return [i[:200] for i in inputs]


def language_texts(doc: dict[str, Any]) -> dict[str, Any]:
    """`{"lang": {"english": {"title": ..., "body": ...}}}` for an article in a language the index stems, else {}.

    The texts are copied, not stemmed: Elasticsearch analyses each field with its language's analyzer."""
    stemmer = stemmer_of(doc.get("language"))
    texts = {name: doc[name] for name in ANALYSED if doc.get(name)}
    return {"lang": {stemmer: texts}} if stemmer and texts else {}


def search_fields(doc: dict[str, Any]) -> dict[str, Any]:
    """The article's texts under its language's analyzer, and the completion inputs."""
    extra = language_texts(doc)
    if doc.get("duplicate_of"):
        return extra  # a duplicate is never suggested: its original is
    if doc.get("title"):
        extra["title_suggest"] = title_inputs(doc["title"])
    location = doc.get("location") or {}
    places = [p for p in (location.get("city"), location.get("country")) if p]
    if places:
        extra["place_suggest"] = places
    return extra
