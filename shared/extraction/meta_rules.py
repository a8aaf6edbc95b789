"""Rules on metadata: language, then publication time (after the place, whose zone gives the offset)."""

from __future__ import annotations

import py3langid
from htmldate import find_date

from shared.extraction.dates import parse_published
from shared.extraction.draft import Draft
from shared.extraction.rules import Rule

DATE_LANGUAGES = {"en", "de", "fr", "es", "ru", "it", "pt", "nl", "pl", "uk", "kk", "tr"}


def _detect_language(draft: Draft) -> None:
    sample = " ".join(filter(None, [draft.title, draft.subtitle, draft.body[:5000]]))
    language, _ = py3langid.classify(sample)
    draft.language = language


def _page_date(draft: Draft) -> None:
    """No date in the page's metadata: htmldate reads the page (URL, markup, visible text)."""
    found = find_date(draft.html, url=draft.url, original_date=True, extensive_search=True, outputformat="%Y-%m-%d")
    if found:
        draft.published_raw = found


def _resolve_published(draft: Draft) -> None:
    zone = (draft.location or {}).get("timezone")
    languages = [draft.language] if draft.language in DATE_LANGUAGES else None
    draft.published_at = parse_published(draft.published_raw or "", zone if isinstance(zone, str) else None, languages)
    if draft.published_at is None:
        draft.notes.append(f"published: could not use {draft.published_raw!r}"[:300])


LANGUAGE_RULES = [
    Rule("language", _detect_language, predicate=lambda d: not d.language and bool(d.body or d.title)),
]
DATE_RULES = [
    Rule("page-date", _page_date, predicate=lambda d: bool(d.html) and not d.published_raw),
    Rule("published-at", _resolve_published, predicate=lambda d: bool(d.published_raw)),
]
