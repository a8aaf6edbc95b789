"""Guessing the charset of undeclared, non-UTF-8 bytes (pages posted without a charset, fetched pages)."""

from __future__ import annotations

from charset_normalizer import from_bytes

# Legacy desktop code pages that charset-normalizer sometimes ranks first for short Cyrillic or Latin
# texts (a cp1251 capital Es, 0xD1, is a mac_cyrillic em dash); news pages almost never use them.
_RARE = ("mac_", "cp437", "cp850", "cp775", "hp_roman8")
_SAMPLE = 1_000_000


def detect_charset(raw: bytes) -> str | None:
    """The most plausible charset, preferring common web encodings over rare ones of about the same quality."""
    matches = list(from_bytes(raw[:_SAMPLE]))
    if not matches:
        return None
    best = matches[0]
    if best.encoding.startswith(_RARE):
        common = [m for m in matches if not m.encoding.startswith(_RARE) and m.chaos <= best.chaos + 0.1]
        best = common[0] if common else best
    return str(best.encoding)
