"""From a queued payload to the normalized article: parse by format, then run the rules in order."""

from __future__ import annotations

from typing import Any

from shared.articles.dedup import band_keys
from shared.articles.ids import content_hash
from shared.articles.model import Location, NormalizedArticle
from shared.extraction import body_rules, limit_rules, meta_rules, parsers, place_rules, text_rules
from shared.extraction.draft import Draft
from shared.extraction.formats import parser_for
from shared.extraction.rules import UNCAUGHT, Rule, run_rules
from shared.observability import metrics
from shared.text import charset

assert parsers  # imported for its side effect: the format registry

# Order matters: characters that are not text out before anything reads the fields; clean text; the body's head
# trimmed, then every field within its size (shared/articles/limits.py: the note tells what is stored, and later rules
# read what is indexed); the place before the date (its zone gives the offset).
RULES: list[Rule] = [
    *limit_rules.CHARACTER_RULES,
    *text_rules.RULES,
    *body_rules.RULES,
    *limit_rules.SIZE_RULES,
    *meta_rules.LANGUAGE_RULES,
    *place_rules.RULES,
    *meta_rules.DATE_RULES,
]


MAX_PAGE_CHARS = 5_000_000  # a page longer than the ingest limit is cut, so no input can hold a worker for long


class UnparseablePayload(ValueError):
    """The payload is not one the workers know how to read at all (the worker dead-letters it)."""


def _checked(payload: Any) -> tuple[dict[str, Any], list[str]]:
    """The payload as the parsers take it, and the notes of what was done to it."""
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), str):
        raise UnparseablePayload("a payload must be an object with a string `id`")
    if payload.get("kind") == "raw":
        content = payload.get("content")
        if isinstance(content, bytes | bytearray):  # read by the one charset rule, as the ingest service reads a page
            html = "html" in (payload.get("content_type") or "html")
            content = charset.decode(bytes(content), payload.get("charset"), sniff="html" if html else None).text
            payload = {**payload, "content": content}
        if not isinstance(content, str):
            raise UnparseablePayload("a raw page needs its `content` as text")
        if len(content) > MAX_PAGE_CHARS:
            note = f"page cut at {MAX_PAGE_CHARS} of {len(content)} characters before extraction"
            return {**payload, "content": content[:MAX_PAGE_CHARS]}, [note]
    elif payload.get("kind") in ("article", "ninjs") and not isinstance(payload.get("article"), dict):
        raise UnparseablePayload("an article payload needs an `article` object")
    return payload, []


def _fallback(payload: dict[str, Any], exc: Exception) -> Draft:
    """The format's parser failed on this input: keep its text, so the article is still searchable."""
    source = payload.get("content") if payload.get("kind") == "raw" else (payload.get("article") or {}).get("body")
    draft = Draft(id=payload["id"], url=payload.get("url"), source=payload.get("source"), body=str(source or ""))
    draft.notes.append(f"parse: {type(exc).__name__}: {exc}"[:300])
    return draft


def normalize(payload: dict[str, Any]) -> NormalizedArticle:
    """Never raises for a payload of a known kind; `UnparseablePayload` for one that is not."""
    payload, notes = _checked(payload)
    try:
        parser = parser_for(payload)
    except ValueError as exc:
        raise UnparseablePayload(str(exc)) from exc
    try:
        with metrics.timed("parse"):
            draft = parser.parse(payload)
    except UNCAUGHT:
        raise
    except Exception as exc:  # noqa: BLE001 - a parser's failure on odd input must not lose the article
        draft = _fallback(payload, exc)
    draft.notes[:0] = notes
    run_rules(draft, RULES)
    return to_article(draft, ingested_at=payload.get("accepted_at"))


def to_article(draft: Draft, ingested_at: str | None) -> NormalizedArticle:
    return NormalizedArticle(
        id=draft.id,
        url=draft.url,
        source=draft.source,
        title=draft.title,
        subtitle=draft.subtitle,
        body=draft.body,
        language=draft.language,
        published_at=draft.published_at,
        location=Location.model_validate(draft.location) if draft.location else None,
        places_mentioned=draft.places_mentioned,
        authors=draft.authors,
        tags=draft.tags,
        ingested_at=ingested_at,
        content_hash=content_hash(draft.title, draft.body),
        notes=draft.notes,
        dedup_bands=band_keys(draft.body),
    )
