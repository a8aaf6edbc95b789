"""Rules on metadata: language, then publication time (after the place, whose zone gives the offset)."""

from __future__ import annotations

import py3langid
from dateparser.data.languages_info import language_order
from htmldate import find_date

from shared.extraction.date_choice import Context, settle
from shared.extraction.date_evidence import url_day
from shared.extraction.dates import parse_published
from shared.extraction.draft import Draft
from shared.extraction.rules import Rule

DATE_LANGUAGES = {"en", "de", "fr", "es", "ru", "it", "pt", "nl", "pl", "uk", "kk", "tr"}
_DATEPARSER_LANGUAGES = frozenset(language_order)  # a page's own language is read too when dateparser knows it


# py3langid's cost grows with the sample; on 799 articles in 12 languages (generated, the extraction benchmark's gold
# texts, our gold pages) the first 1,000 characters already gave the language the first 5,000 did, for every one.
LANGUAGE_SAMPLE_CHARS = 2000


def _detect_language(draft: Draft) -> None:
    sample = " ".join(filter(None, [draft.title, draft.subtitle, draft.body[:LANGUAGE_SAMPLE_CHARS]]))
    language, _ = py3langid.classify(sample)
    draft.language = language


def _page_date(draft: Draft) -> None:
    """No date in the page's metadata: htmldate reads the page (URL, markup, visible text)."""
    found = find_date(draft.html, url=draft.url, original_date=True, extensive_search=True, outputformat="%Y-%m-%d")
    if found:
        draft.published_raw = found
        draft.date_evidence.append(("htmldate", found))


def _date_languages(language: str | None) -> list[str] | None:
    return [language] if language and (language in DATE_LANGUAGES or language in _DATEPARSER_LANGUAGES) else None


def _resolve_published(draft: Draft) -> None:
    zone = (draft.location or {}).get("timezone")
    zone = zone if isinstance(zone, str) else None
    languages = _date_languages(draft.language)
    if draft.html is not None:  # a page: its evidence settled (shared/extraction/date_choice.py)
        draft.published_at, notes = settle(draft.date_evidence, Context(draft.url, zone, languages))
        draft.notes.extend(notes)
        return
    draft.published_at = parse_published(draft.published_raw or "", zone, languages)
    if draft.published_at is None:
        draft.notes.append(f"published: could not use {draft.published_raw!r}"[:300])


LANGUAGE_RULES = [
    Rule("language", _detect_language, predicate=lambda d: not d.language and bool(d.body or d.title)),
]
DATE_RULES = [
    Rule("page-date", _page_date, predicate=lambda d: bool(d.html) and not d.published_raw and not d.date_evidence),
    Rule("published-at", _resolve_published, predicate=lambda d: bool(d.published_raw or d.date_evidence or url_day(d.url))),
]
