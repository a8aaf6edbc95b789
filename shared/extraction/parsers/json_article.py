"""Articles sent as JSON with the contract's fields."""

from __future__ import annotations

from shared.extraction.draft import Draft
from shared.extraction.formats import Parser, Payload, register


def can_parse(payload: Payload) -> bool:
    return payload.get("kind") == "article"


def parse(payload: Payload) -> Draft:
    article = payload["article"]
    return Draft(
        id=payload["id"],
        url=article.get("url"),
        source=article.get("source"),
        title=article.get("title"),
        subtitle=article.get("subtitle"),
        body=article.get("body") or "",
        language=article.get("language"),
        published_raw=article.get("published_at"),
        location_raw=article.get("location"),
        authors=list(article.get("authors") or []),
        tags=list(article.get("tags") or []),
    )


PARSER = register(Parser("json-article", can_parse, parse))
