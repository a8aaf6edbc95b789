"""The article text of an HTML page: trafilatura, then our furniture rules on its paragraphs."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import lxml.etree
import lxml.html
import trafilatura

from shared.extraction.furniture import strip_furniture

# A heading (never running past its own end tag) followed by a paragraph: an item's name and then its text.
_HEADING = re.compile(r"<[hH]([1-6])\b[^>]*>[^<]*(?:<(?!/[hH]\1)[^<]*)*</[hH]\1\s*>(?=\s*<[pP][\s>])")
_ANCHOR = re.compile(r"</?[aA]\b[^>]*>")


def unlink_headings(html: str) -> str:
    """A listicle's or deal page's item headings link to the thing they name (the product, the shop): the link
    goes, the heading's text stays, so precision mode's link-density test does not take the item's name for a
    link list."""
    return _HEADING.sub(lambda m: _ANCHOR.sub("", m.group(0)), html)


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


def _paragraphs(doc: Any) -> list[str]:
    text = (doc.text if doc is not None else "") or ""
    kept, _ = strip_furniture([p.strip() for p in text.split("\n") if p.strip()])
    return kept


def visible_chars(html: str) -> int:
    """Characters of text the page shows (scripts and styles left out): more than any extraction can find."""
    try:
        tree = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return 0
    for hidden in tree.xpath("//script|//style|//template"):
        hidden.drop_tree()
    return sum(len(text.strip()) for text in tree.itertext())


def extract_body(html: str, url: str | None = None) -> Extracted:
    """trafilatura in precision mode, unless that lost most of what its default mode finds."""
    options: dict[str, Any] = {"url": url, "with_metadata": True, "include_comments": False, "include_tables": True}
    html = unlink_headings(html)
    precise = trafilatura.bare_extraction(html, favor_precision=True, **options)
    chosen = _paragraphs(precise)
    kept = sum(map(len, chosen))
    # The default mode's text can only be compared with when it could be over 1/PRECISION_KEEPS times what
    # precision mode kept: when precision mode kept that share of all the page's text, that pass (as long as
    # the first) is skipped; the result is the same (on the benchmark's pages it always is skipped).
    broad = None
    if kept < PRECISION_KEEPS * visible_chars(html):
        broad = trafilatura.bare_extraction(html, **{**options, "with_metadata": False})
        fallback = _paragraphs(broad)
        if kept < PRECISION_KEEPS * sum(map(len, fallback)):
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
