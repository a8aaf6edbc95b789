"""The article text of an HTML page: trafilatura, then our furniture rules on its paragraphs."""

from __future__ import annotations

from dataclasses import dataclass, field

import trafilatura

from shared.extraction.furniture import strip_furniture


@dataclass
class Extracted:
    text: str = ""
    title: str | None = None
    date: str | None = None
    sitename: str | None = None
    url: str | None = None
    authors: list[str] = field(default_factory=list)


def trafilatura_text(html: str, url: str | None = None) -> str:
    """Plain trafilatura, as the benchmark compares us with."""
    return trafilatura.extract(html, url=url) or ""


def extract_body(html: str, url: str | None = None) -> Extracted:
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False, include_tables=True)
    if doc is None:
        return Extracted()
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    paragraphs = [p.strip() for p in (data.get("text") or "").split("\n") if p.strip()]
    kept, _ = strip_furniture(paragraphs)
    return Extracted(
        text="\n\n".join(kept),
        title=data.get("title"),
        date=data.get("date"),
        sitename=data.get("sitename"),
        url=data.get("url"),
        authors=[a.strip() for a in (data.get("author") or "").split(";") if a.strip()],
    )
