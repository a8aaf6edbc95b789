"""IPTC ninjs objects: the ingest service mapped them to the contract's fields (`shared.articles.model.ninjs_to_article`)
and validated them; here they become a draft like any JSON article, noting their format."""

from __future__ import annotations

from shared.extraction.draft import Draft
from shared.extraction.formats import Parser, Payload, register
from shared.extraction.parsers import json_article


def can_parse(payload: Payload) -> bool:
    return payload.get("kind") == "ninjs"


def parse(payload: Payload) -> Draft:
    draft = json_article.parse(payload)
    draft.notes.append("format: ninjs")
    return draft


PARSER = register(Parser("ninjs", can_parse, parse))
