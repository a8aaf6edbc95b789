"""The article text of an HTML page: trafilatura, then our furniture rules on its paragraphs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import trafilatura

from shared.extraction.furniture import strip_furniture

# Below this share of the default mode's text, precision mode is taken to have dropped the article.
PRECISION_KEEPS = 0.2


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


def _paragraphs(doc: Any) -> list[str]:
    text = (doc.text if doc is not None else "") or ""
    kept, _ = strip_furniture([p.strip() for p in text.split("\n") if p.strip()])
    return kept


def extract_body(html: str, url: str | None = None) -> Extracted:
    """trafilatura in precision mode, unless that lost most of what its default mode finds."""
    options: dict[str, Any] = {"url": url, "with_metadata": True, "include_comments": False, "include_tables": True}
    precise = trafilatura.bare_extraction(html, favor_precision=True, **options)
    # The broad pass only measures the text precision mode may have lost: its metadata would be thrown away.
    broad = trafilatura.bare_extraction(html, **{**options, "with_metadata": False})
    chosen = _paragraphs(precise)
    fallback = _paragraphs(broad)
    if sum(map(len, chosen)) < PRECISION_KEEPS * sum(map(len, fallback)):
        chosen = fallback
    doc: Any = precise if precise is not None else (broad and trafilatura.bare_extraction(html, **options))
    if doc is None:
        return Extracted()
    return Extracted(
        text="\n\n".join(chosen),
        title=doc.title,
        date=doc.date,
        sitename=doc.sitename,
        url=doc.url,
        authors=[a.strip() for a in (doc.author or "").split(";") if a.strip()],
    )
