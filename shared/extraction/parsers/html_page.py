"""Whole HTML pages, as news sites publish them: trafilatura finds the article text, the page's own
metadata (JSON-LD, OpenGraph, headline element) gives title, standfirst, date, authors and publisher."""

from __future__ import annotations

from shared.extraction.draft import Draft
from shared.extraction.formats import Parser, Payload, register
from shared.extraction.htmlbody import extract_body
from shared.extraction.htmlmeta import read_meta
from shared.extraction.titles import choose_title


def can_parse(payload: Payload) -> bool:
    return payload.get("kind") == "raw" and "html" in (payload.get("content_type") or "")


def parse(payload: Payload) -> Draft:
    html = payload["content"]
    meta = read_meta(html)
    extracted = extract_body(html, payload.get("url"))
    draft = Draft(id=payload["id"], url=payload.get("url") or extracted.url, html=html)
    draft.source = payload.get("source") or meta.site_name or extracted.sitename
    draft.title = choose_title(meta, extracted.title, [draft.source or "", extracted.sitename or "", draft.url or ""])
    draft.subtitle = meta.standfirst or meta.description
    draft.subtitle_from_meta = not meta.standfirst or meta.standfirst_opens_body  # then not cut from the body
    draft.body = extracted.text
    draft.published_raw = meta.published or extracted.date
    draft.date_evidence = [*meta.dates, *([("htmldate", extracted.date)] if extracted.date else [])]
    draft.location_raw = meta.dateline
    draft.authors = meta.authors or extracted.authors
    if not draft.body:
        draft.notes.append("html-page: no article text found")
    return draft


PARSER = register(Parser("html-page", can_parse, parse))
