"""Bytes -> text: one rule for ingest bodies, fetched pages, feeds and queued pages (docs/normalization.md, 'Charset').

1. A byte-order mark (UTF-8, UTF-16 LE or BE) decides, whatever is declared.
2. Else the declared charsets, in order: the caller's (an HTTP `Content-Type` charset), then the document's own
   (an XML declaration, or for HTML a `<meta charset>`, in its first 4 KiB). The first that names a text
   encoding and decodes every byte is used; the others are passed over, each with the reason.
3. Else detection: UTF-8 when every byte reads as UTF-8, else charset-normalizer's best guess.
4. Else UTF-8.

A name, declared or detected, means what browsers take it to mean (the WHATWG Encoding Standard): iso-8859-1
and latin1 are windows-1252, gb2312 and gbk are gb18030, shift_jis is windows-31j, euc-kr is windows-949.
Bytes the chosen encoding cannot decode become U+FFFD: never an exception, never silently dropped.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Literal

from charset_normalizer import from_bytes
from charset_normalizer.constant import IANA_SUPPORTED
from charset_normalizer.utils import iana_name

Step = Literal["bom", "declared", "detected", "fallback"]
Sniff = Literal["html", "xml", None]

_BOMS = ((codecs.BOM_UTF8, "utf_8"), (codecs.BOM_UTF16_LE, "utf_16_le"), (codecs.BOM_UTF16_BE, "utf_16_be"))
_HEAD = 4096  # where a document's own declaration may stand
_XML_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.IGNORECASE)
# Browsers read these names as the larger Windows code page or national standard that contains them.
_SUPERSETS = {
    "latin_1": "cp1252",
    "iso8859_9": "cp1254",
    "iso8859_11": "cp874",
    "tis_620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
}
# UTF-7 can spell lone surrogates (and markup the page does not show): browsers refuse it, and so do we.
_REFUSED = frozenset({"utf_7"})
# Legacy desktop code pages that charset-normalizer sometimes ranks first for short Cyrillic or Latin texts (a cp1251
# capital Es, 0xD1, is a mac_cyrillic em dash); news pages almost never use them.
_RARE = ("mac_", "cp437", "cp850", "cp775", "hp_roman8")
# On a tie (the same chaos and coherence) charset-normalizer often ranks windows-1250 or -1257 first for Spanish or
# French (n-tilde read as n-acute): windows-1252, the web's most common legacy encoding, wins the tie instead. A Czech
# or Polish page without a declaration may then come out wrong; declaring it is the cure.
_TIE_WINNER = "cp1252"
_SAMPLE = 1_000_000  # bytes detection reads at most


def _c1(error: UnicodeError) -> tuple[str, int]:
    """windows-1252 as browsers read it: its five unassigned bytes (0x81, 0x8D, 0x8F, 0x90, 0x9D) are C1 controls."""
    assert isinstance(error, UnicodeDecodeError)
    return chr(error.object[error.start]), error.start + 1


codecs.register_error("newsroom-windows-1252", _c1)


@dataclass(frozen=True)
class PassedOver:
    """A declared charset the rule did not use: unknown (`known` False) or not decoding these bytes."""

    label: str
    known: bool
    why: str


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # the Python codec that read the bytes
    step: Step  # which step of the rule chose it
    passed_over: tuple[PassedOver, ...] = field(default=())


def codec_of(label: str) -> str | None:
    """The codec a charset name means (its browser superset), or None for a name that is no charset detection knows
    (rot13, base64, punycode, unicode-escape, ... are codecs, not charsets)."""
    try:
        name = iana_name(label.strip().strip("\"'"), strict=True)
    except ValueError:
        return None
    name = _SUPERSETS.get(name, name)
    return name if name in IANA_SUPPORTED and name not in _REFUSED else None


def _read(raw: bytes, codec: str, errors: str) -> str:
    return raw.decode(codec, "newsroom-windows-1252" if codec == "cp1252" else errors)


def header_charset(content_type: str | None) -> str | None:
    """The `charset` parameter of a `Content-Type` value, as sent."""
    found = _HEADER_CHARSET.search(content_type or "")
    return found.group(1) if found else None


def in_document(raw: bytes, sniff: Sniff) -> str | None:
    """The document's own declaration: an XML declaration, or (HTML) the first `<meta charset>` of its head."""
    head = raw[:_HEAD]
    found = _XML_DECLARATION.match(head) if sniff in ("html", "xml") else None
    if found is None and sniff == "html":
        found = _META_CHARSET.search(head)
    return found.group(1).decode("ascii", "replace") if found else None


def detect(raw: bytes) -> str | None:
    """UTF-8 when every byte reads as UTF-8; else charset-normalizer's most plausible encoding, common web
    encodings preferred over rare ones of about the same quality (see above); None when nothing reads the bytes as text."""
    try:
        raw.decode("utf_8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf_8"
    matches = [m for m in from_bytes(raw[:_SAMPLE]) if codec_of(m.encoding)]
    if not matches:
        return None
    if matches[0].encoding.startswith(_RARE):
        common = [m for m in matches if not m.encoding.startswith(_RARE) and m.chaos <= matches[0].chaos + 0.1]
        matches = common or matches
    first = matches[0]
    tied = [
        codec_of(m.encoding) or "" for m in matches if m.chaos <= first.chaos + 0.01 and m.coherence >= first.coherence - 0.05
    ]
    return _TIE_WINNER if _TIE_WINNER in tied else tied[0]


def without_bom(raw: bytes) -> bytes:
    """`raw` without the byte-order mark it starts with, if any (the marks the rule above honours)."""
    for bom, _ in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom) :]
    return raw


def decode(raw: bytes, declared: str | None = None, *, sniff: Sniff = "html") -> Decoded:
    """`raw` as text by the rule above. `declared`: the transport's charset (an HTTP header); `sniff`: which
    declaration the document itself may carry (`html`: an XML declaration or `<meta charset>`; `xml`; None)."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return Decoded(_read(raw[len(bom) :], codec, "replace"), codec, "bom")
    passed_over: list[PassedOver] = []
    for label in (declared, in_document(raw, sniff)):
        if not label:
            continue
        named = codec_of(label)
        if named is None:
            passed_over.append(PassedOver(label, False, "not a known text encoding"))
            continue
        try:
            return Decoded(_read(raw, named, "strict"), named, "declared", tuple(passed_over))
        except UnicodeDecodeError as exc:
            passed_over.append(PassedOver(label, True, str(exc)))
    detected = detect(raw)
    if detected is not None:
        return Decoded(_read(raw, detected, "replace"), detected, "detected", tuple(passed_over))
    return Decoded(_read(raw, "utf_8", "replace"), "utf_8", "fallback", tuple(passed_over))
