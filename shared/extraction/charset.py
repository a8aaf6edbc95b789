"""Bytes of a page -> text: a byte-order mark, then the declared charset (HTTP, then <meta>), then detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _decodes(raw: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return raw.decode(encoding)
    except (LookupError, ValueError):  # unknown, undecodable, a NUL in the name, a codec that only fails (undefined)
        return None


def decode_page(raw: bytes, declared: str | None = None) -> str:
    """Never raises: undecodable bytes end up as U+FFFD rather than failing the article."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return raw.decode(encoding, errors="replace")
    meta = _META_CHARSET.search(raw[:4096])
    candidates: list[str | None] = [declared, meta.group(1).decode("ascii", "replace") if meta else None, "utf-8"]
    for candidate in candidates:
        text = _decodes(raw, candidate)
        if text is not None:
            return text
    best = from_bytes(raw[:200_000]).best()
    return raw.decode(best.encoding if best else "utf-8", errors="replace")
