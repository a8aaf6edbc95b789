"""Whole HTML pages, as news sites publish them: trafilatura finds the article in the page."""

from __future__ import annotations

import trafilatura

from shared.extraction.draft import Draft
from shared.extraction.formats import Parser, Payload, register


def can_parse(payload: Payload) -> bool:
    return payload.get("kind") == "raw" and "html" in (payload.get("content_type") or "")


def parse(payload: Payload) -> Draft:
    html = payload["content"]
    doc = trafilatura.bare_extraction(html, url=payload.get("url"), with_metadata=True, include_comments=False, as_dict=True)
    draft = Draft(id=payload["id"], url=payload.get("url"), source=payload.get("source"), html=html)
    if not isinstance(doc, dict):
        draft.notes.append("html-page: trafilatura found no article text")
        return draft
    draft.title = doc.get("title")
    draft.subtitle = doc.get("description")
    draft.body = doc.get("text") or ""
    draft.published_raw = doc.get("date")
    draft.source = draft.source or doc.get("sitename")
    draft.authors = [a.strip() for a in (doc.get("author") or "").split(";") if a.strip()]
    draft.url = draft.url or doc.get("url")
    return draft


PARSER = register(Parser("html-page", can_parse, parse))
