"""From a queued payload to the normalized article: parse by format, then run the rules in order."""

from __future__ import annotations

from typing import Any

from shared.article import Location, NormalizedArticle
from shared.extraction import meta_rules, parsers, place_rules, text_rules
from shared.extraction.draft import Draft
from shared.extraction.formats import parser_for
from shared.extraction.rules import Rule, run_rules
from shared.ids import content_hash

assert parsers  # imported for its side effect: the format registry

# Order matters: clean text first; the place before the date (its zone gives the offset).
RULES: list[Rule] = [*text_rules.RULES, *meta_rules.LANGUAGE_RULES, *place_rules.RULES, *meta_rules.DATE_RULES]


def normalize(payload: dict[str, Any]) -> NormalizedArticle:
    draft = parser_for(payload).parse(payload)
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
    )
