"""Plain text saved from a news page: the title is the first line of substance."""

from __future__ import annotations

from shared.extraction.draft import Draft
from shared.extraction.formats import Parser, Payload, register


def can_parse(payload: Payload) -> bool:
    return payload.get("kind") == "raw"


def parse(payload: Payload) -> Draft:
    lines = [line.strip() for line in payload["content"].splitlines() if line.strip()]
    title = next((line for line in lines if len(line.split()) >= 3), lines[0] if lines else None)
    body_lines = [line for line in lines if line != title]
    return Draft(
        id=payload["id"],
        url=payload.get("url"),
        source=payload.get("source"),
        title=title,
        body="\n\n".join(body_lines),
    )


PARSER = register(Parser("text-page", can_parse, parse))
