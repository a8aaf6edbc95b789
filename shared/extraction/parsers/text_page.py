"""Plain text saved from a news page: title, standfirst, dateline, byline and body among the furniture."""

from __future__ import annotations

from shared.extraction.draft import Draft
from shared.extraction.formats import Parser, Payload, register
from shared.extraction.textpage import read_text_page


def can_parse(payload: Payload) -> bool:
    return payload.get("kind") == "raw"


def parse(payload: Payload) -> Draft:
    page = read_text_page(payload["content"])
    return Draft(
        id=payload["id"],
        url=payload.get("url"),
        source=payload.get("source") or page.source,
        title=page.title,
        subtitle=page.subtitle,
        body="\n\n".join(page.paragraphs),
        published_raw=page.date_raw,
        location_raw=page.place_raw,
        authors=page.authors,
    )


PARSER = register(Parser("text-page", can_parse, parse))
