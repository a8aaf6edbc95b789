"""Reading request bodies without trusting them: media type, size, encoding, JSON syntax and depth.

Every way a body can be wrong ends in an `ApiError` (400, 413 or 415), never in an exception the
service would answer with a 5xx. Their size is body_size.py's.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Request

from services.ingest.body_size import read_bytes
from shared.text import charset
from shared.web.service import ApiError

JSON_TYPES = ("application/json", "application/ninjs+json")
PAGE_TYPES = ("text/html", "text/plain", "application/xhtml+xml", "application/octet-stream")


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def json_depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest + (1 if isinstance(value, dict | list) else 0)


def parse_json(raw: bytes, max_depth: int) -> Any:
    """UTF-8 JSON (RFC 8259) with no NaN/Infinity and at most `max_depth` levels of nesting."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApiError(400, "invalid_encoding", f"JSON must be UTF-8: {exc}", "body") from exc
    try:
        data = json.loads(text, parse_constant=_no_constants)
    except RecursionError as exc:
        raise ApiError(400, "too_deep", f"JSON nested deeper than {max_depth} levels", "body") from exc
    except ValueError as exc:  # JSONDecodeError, NaN, integers too long to read
        raise ApiError(400, "invalid_json", f"the body is not valid JSON: {exc}", "body") from exc
    if json_depth(data) > max_depth:
        raise ApiError(400, "too_deep", f"JSON nested deeper than {max_depth} levels", "body")
    return data


def read_json(request: Request, max_depth: int) -> Any:
    if request.mimetype not in JSON_TYPES:
        raise ApiError(415, "unsupported_media_type", "send application/json or application/ninjs+json", "Content-Type")
    raw = read_bytes(request)
    if not raw.strip():
        raise ApiError(400, "invalid_json", "the body is empty", "body")
    return parse_json(raw, max_depth)


def page_text(raw: bytes, content_type_charset: str | None, is_html: bool) -> str:
    """The page as text by the system's one charset rule (shared/text/charset.py), which its sender can be told
    about: a declared charset the rule would pass over (unknown, or not the bytes' charset), or bytes it could
    only read by falling back, are a 400 rather than a guess. Whatever is accepted reads as a fetched page would."""
    decoded = charset.decode(raw, content_type_charset, sniff="html" if is_html else None)
    if decoded.passed_over:
        first = decoded.passed_over[0]
        if not first.known:
            raise ApiError(400, "invalid_encoding", f"unusable charset {first.label!r}: {first.why}", "Content-Type")
        raise ApiError(400, "invalid_encoding", f"the body is not valid {first.label}: {first.why}", "body")
    if decoded.step == "fallback":
        raise ApiError(400, "invalid_encoding", "the body's charset could not be detected; declare it", "body")
    return decoded.text


def looks_like_markup(raw: bytes) -> bool:
    """Whether a page sent as bytes (`application/octet-stream`, what generated clients send) is HTML: its first
    character, after a byte-order mark and white space, is `<`. Plain text rarely starts so."""
    head = charset.without_bom(raw[:256]).replace(b"\x00", b"")  # UTF-16 pages: their ASCII characters without the zeros
    return head.lstrip().startswith(b"<")


def read_page(request: Request) -> tuple[str, str]:
    """(text, media type) of a `text/html` or `text/plain` body, or of bytes taken for one of them."""
    if request.mimetype not in PAGE_TYPES:
        raise ApiError(415, "unsupported_media_type", "send text/html, text/plain or application/octet-stream", "Content-Type")
    raw = read_bytes(request)
    mimetype = request.mimetype
    if mimetype == "application/octet-stream":
        mimetype = "text/html" if looks_like_markup(raw) else "text/plain"
    text = page_text(raw, request.mimetype_params.get("charset"), "html" in mimetype)
    if not text.strip():
        raise ApiError(400, "invalid_field", "the page is empty", "body")
    if "\x00" in text:
        raise ApiError(400, "invalid_field", "the page holds NUL characters: it is not text", "body")
    return text, mimetype
