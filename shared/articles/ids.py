"""Deterministic article ids: the same article sent twice gets the same id."""

from __future__ import annotations

import hashlib
import unicodedata

from courlan import normalize_url


def canonical_url(url: str) -> str:
    """Scheme and host case, tracking parameters, fragments and trailing slashes folded away."""
    try:
        normalized = normalize_url(url.strip(), strict=True, trailing_slash=False)
    except (ValueError, TypeError):
        normalized = url.strip()
    return normalized.rstrip("/")


def fold_text(text: str) -> str:
    """The form of a text that two copies of one article share: NFC, each run of white space one space, ends
    stripped, case folded. split() finds the same runs as the regex `\\s+` in C, without a call per run."""
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def content_hash(title: str | None, body: str | None) -> str:
    return hashlib.sha256(f"{fold_text(title or '')}\n{fold_text(body or '')}".encode()).hexdigest()


def article_id(url: str | None, title: str | None, body: str | None) -> str:
    """From the canonical URL when there is one, otherwise from the folded content."""
    if url and url.strip():
        digest = hashlib.sha256(("url:" + canonical_url(url)).encode()).hexdigest()
    else:
        digest = content_hash(title, body)
    return digest[:24]
