"""RSS 0.9x/1.0/2.0 and Atom documents → articles in the contract's fields (pure; no network)."""

from __future__ import annotations

import io
import re
from typing import Any

import feedparser

from shared.articles.limits import without_unstorable
from shared.text.charset import decode

# feedparser is handed the feed in UTF-8: a declaration of another charset would make it read the bytes wrongly.
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")


class FeedError(Exception):
    """The document is not a feed feedparser can read."""


def _body(entry: Any) -> tuple[str | None, bool]:
    """(body, is_full_content): the longest `content` when the entry has one, else its summary."""
    contents = [c.get("value") for c in entry.get("content") or [] if c.get("value")]
    if contents:
        return max(contents, key=len), True
    return entry.get("summary") or entry.get("description"), False


def entry_to_article(entry: Any, source: str | None, language: str | None) -> dict[str, Any]:
    """One entry as an article; `full_content` says whether it carries more than a summary."""
    body, full = _body(entry)
    link = entry.get("link") or (entry.get("id") if str(entry.get("id", "")).startswith(("http://", "https://")) else None)
    authors = [a.get("name") for a in entry.get("authors") or [] if a.get("name")]
    article = {
        "url": link,
        "title": entry.get("title"),
        "body": body,
        "published_at": entry.get("published") or entry.get("updated") or entry.get("created"),
        "authors": authors or ([entry["author"]] if entry.get("author") else []),
        "tags": [t.get("term") for t in entry.get("tags") or [] if t.get("term")],
        "source": source,
        "language": language,
    }
    # A feed cannot be answered with a 400: characters the system cannot store (`&#0;` in the XML) are dropped here
    # rather than refusing the entry; the normalizer removes the other control characters, with a note.
    article = {k: _storable(v) for k, v in article.items() if v}
    return {"article": {k: v for k, v in article.items() if v}, "full_content": full}


def _storable(value: Any) -> Any:
    if isinstance(value, str):
        return without_unstorable(value)
    return [without_unstorable(v) if isinstance(v, str) else v for v in value] if isinstance(value, list) else value


def parse_feed(content: bytes, source: str | None = None, charset: str | None = None) -> list[dict[str, Any]]:
    """Every entry of the feed (see `entry_to_article`), oldest first. Raises FeedError when it is not a feed.

    The bytes are read by the system's one charset rule (shared/text/charset.py): a byte-order mark, then
    `charset` (the HTTP header's), then the XML declaration, then detection; not by feedparser's own.
    """
    text = _XML_DECLARATION.sub("", decode(content, charset, sniff="xml").text, count=1)
    # A stream, never bytes or str: feedparser would treat a string that looks like a URL or a path as one to open.
    try:
        parsed = feedparser.parse(io.BytesIO(text.encode("utf-8")))
    except (ValueError, OverflowError) as exc:  # its loose parser on character references such as &#xD800; or &#99999999999;
        raise FeedError(f"not a readable RSS/Atom feed: {type(exc).__name__}: {exc}"[:500]) from exc
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        reason = parsed.get("bozo_exception") or "no RSS or Atom root element"
        raise FeedError(f"not a readable RSS/Atom feed: {reason}"[:500])
    feed = parsed.get("feed") or {}
    name = source or feed.get("title")
    language = (feed.get("language") or "").split("-")[0] or None
    return [entry_to_article(e, name, language) for e in reversed(parsed.entries)]
