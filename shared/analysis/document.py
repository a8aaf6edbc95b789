"""Fields an article gets for search beside its normalized ones: its texts for its language's analyzer; its completions."""

from __future__ import annotations

from typing import Any

from shared.analysis.languages import stemmer_of, words

ANALYSED = ("title", "subtitle", "body")  # searched in the article's language too, under `lang.<stemmer>.<name>`
DERIVED = ["lang", "*_suggest"]  # fields only the index reads, never shown (`*_suggest`: articles written before ADR 0033)
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
    """The article's texts under its language's analyzer."""
    return language_texts(doc)


def suggestion(doc: dict[str, Any]) -> dict[str, Any] | None:
    """What the suggestions' index holds for the article (shared/es/suggestions.py): its completion inputs, and the
    title and place a completion shows. None for a near-duplicate (its original is suggested) or an article with
    neither a title nor a place."""
    if doc.get("duplicate_of"):
        return None
    location = doc.get("location") or {}
    inputs: dict[str, Any] = {}
    if doc.get("title"):
        inputs["title_suggest"] = title_inputs(doc["title"])
    places = [p for p in (location.get("city"), location.get("country")) if p]
    if places:
        inputs["place_suggest"] = places
    if not inputs:
        return None
    shown = {"city": location.get("city"), "country_code": location.get("country_code")}
    return inputs | {"title": doc.get("title"), "location": shown}
