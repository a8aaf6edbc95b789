"""Articles sent as JSON with the contract's fields."""

from __future__ import annotations

from typing import Any

from shared.extraction.draft import Draft
from shared.extraction.formats import Parser, Payload, register


def _text(value: Any) -> str | None:
    """The ingest service checked the types; a payload it did not (a replayed or hand-made one) may hold anything."""
    return value if isinstance(value, str) else None


def _texts(value: Any) -> list[str]:
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [item for item in items if isinstance(item, str)]


def can_parse(payload: Payload) -> bool:
    return payload.get("kind") == "article"


def parse(payload: Payload) -> Draft:
    article = payload["article"]
    return Draft(
        id=payload["id"],
        url=_text(article.get("url")),
        source=_text(article.get("source")),
        title=_text(article.get("title")),
        subtitle=_text(article.get("subtitle")),
        body=_text(article.get("body")) or "",
        language=_text(article.get("language")),
        published_raw=_text(article.get("published_at")),
        location_raw=_text(article.get("location")),
        authors=_texts(article.get("authors")),
        tags=_texts(article.get("tags")),
    )


PARSER = register(Parser("json-article", can_parse, parse))
