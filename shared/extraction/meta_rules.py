"""Rules on metadata: publication time and language."""

from __future__ import annotations

from datetime import UTC, datetime

import dateparser
import py3langid

from shared.extraction.draft import Draft
from shared.extraction.rules import Rule

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


def parse_published(raw: str, now: datetime | None = None) -> str | None:
    """ISO 8601, keeping the offset the text gave; None when the date is absent or implausible."""
    parsed = dateparser.parse(raw, settings={"RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DAY_OF_MONTH": "first"})
    if parsed is None:
        return None
    comparable = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if not EARLIEST <= comparable <= (now or datetime.now(UTC)):
        return None
    return parsed.isoformat()


def _resolve_published(draft: Draft) -> None:
    draft.published_at = parse_published(draft.published_raw or "")
    if draft.published_at is None:
        draft.notes.append(f"published: could not use {draft.published_raw!r}")


def _detect_language(draft: Draft) -> None:
    sample = " ".join(filter(None, [draft.title, draft.subtitle, draft.body[:5000]]))
    language, _ = py3langid.classify(sample)
    draft.language = language


RULES = [
    Rule("published-at", _resolve_published, predicate=lambda d: bool(d.published_raw)),
    Rule("language", _detect_language, predicate=lambda d: not d.language and bool(d.body or d.title)),
]
