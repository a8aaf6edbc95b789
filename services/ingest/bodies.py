"""Reading request bodies without trusting them: media type, size, encoding, JSON syntax and depth.

Every way a body can be wrong ends in an `ApiError` (400, 413 or 415), never in an exception the
service would answer with a 5xx. Their size is body_size.py's.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Request

from services.ingest.body_size import read_bytes
from shared.feeds.charsets import detect_charset
from shared.web.service import ApiError

JSON_TYPES = ("application/json", "application/ninjs+json")
PAGE_TYPES = ("text/html", "text/plain", "application/xhtml+xml")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


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


def declared_charset(raw: bytes, content_type_charset: str | None, is_html: bool) -> str | None:
    if content_type_charset:
        return content_type_charset
    if is_html:
        found = _META_CHARSET.search(raw[:4096])
        return found.group(1).decode("ascii") if found else None
    return None


def decode_page(raw: bytes, content_type_charset: str | None, is_html: bool) -> str:
    """The page as text: in its declared charset (header, then `<meta charset>`), else UTF-8, else detected."""
    charset = declared_charset(raw, content_type_charset, is_html)
    if charset:
        try:
            return raw.decode(charset)
        except UnicodeDecodeError as exc:
            raise ApiError(400, "invalid_encoding", f"the body is not valid {charset}: {exc}", "body") from exc
        except (LookupError, ValueError) as exc:  # unknown, a NUL in the name, or a codec that only fails (undefined, punycode)
            raise ApiError(400, "invalid_encoding", f"unusable charset {charset!r}: {exc}", "Content-Type") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        detected = detect_charset(raw)
    if detected is None:
        raise ApiError(400, "invalid_encoding", "the body's charset could not be detected; declare it", "body")
    return raw.decode(detected, errors="replace")


def read_page(request: Request) -> tuple[str, str]:
    """(text, media type) of a `text/html` or `text/plain` body."""
    if request.mimetype not in PAGE_TYPES:
        raise ApiError(415, "unsupported_media_type", "send text/html or text/plain", "Content-Type")
    raw = read_bytes(request)
    text = decode_page(raw, request.mimetype_params.get("charset"), "html" in request.mimetype)
    if not text.strip():
        raise ApiError(400, "invalid_field", "the page is empty", "body")
    if "\x00" in text:
        raise ApiError(400, "invalid_field", "the page holds NUL characters: it is not text", "body")
    return text, request.mimetype
