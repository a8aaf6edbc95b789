"""Rules that hold every article, whatever its input format, to what the index can store, search and highlight
(shared/articles/limits.py): characters that are not text go first, before anything reads the fields; once the text is
clean, each field is cut to its size. Every change is noted on the article."""

from __future__ import annotations

from collections.abc import Callable

from shared.articles import limits
from shared.extraction.draft import Draft
from shared.extraction.rules import Rule

LINE_FIELDS = ("url", "source", "title", "subtitle", "language", "published_raw", "location_raw")
SIZES = (("title", limits.MAX_SHORT), ("subtitle", limits.MAX_SUBTITLE), ("source", limits.MAX_NAME))


def _text_only(draft: Draft, name: str, value: str, line_break: str = " ") -> str:
    cleaned, found = limits.text_only(value, line_break)
    if found:
        codes = ", ".join(sorted(set(found))[:5])
        draft.notes.append(f"{name}: {len(found)} character(s) that are not text removed ({codes})")
    return cleaned


def _characters(draft: Draft) -> None:
    for name in LINE_FIELDS:
        value = getattr(draft, name)
        if value:
            setattr(draft, name, _text_only(draft, name, value))
    draft.body = _text_only(draft, "body", draft.body, "\n")
    draft.authors = [_text_only(draft, "authors", author) for author in draft.authors]
    draft.tags = [_text_only(draft, "tags", tag) for tag in draft.tags]
    draft.notes = [limits.text_only(note)[0] for note in draft.notes]  # an exception's text may carry anything


def _cut(draft: Draft, name: str, value: str, limit: int, length: Callable[[str], int] = len) -> str:
    kept = limits.cut_text(value, limit, length)
    if kept != value:
        draft.notes.append(f"{name} cut at {length(kept)} of {length(value)} characters")
    return kept


def _sizes(draft: Draft) -> None:
    draft.body = _cut(draft, "body", draft.body, limits.MAX_BODY, limits.es_length)
    for name, limit in SIZES:
        value = getattr(draft, name)
        if value:
            setattr(draft, name, _cut(draft, name, value, limit))
    draft.authors = [_cut(draft, "author", author, limits.MAX_SHORT) for author in draft.authors]
    draft.tags = [_cut(draft, "tag", tag, limits.MAX_SHORT) for tag in draft.tags]


CHARACTER_RULES = [Rule("characters", _characters)]
SIZE_RULES = [Rule("sizes", _sizes)]
