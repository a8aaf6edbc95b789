"""The opaque `cursor`: where the last page ended (search_after values), and the point in time of a relevance order.

Results sorted by date page with `search_after` on (published_at, id): a stable, unique order, so
articles arriving meanwhile are never repeated or skipped (they land before the cursor and are
not shown, or after it and are). Relevance scores change as articles arrive (term statistics
move), so a relevance-ordered list pages inside a point in time (PIT) opened for its first page.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from shared.es.queries import SearchParams
from shared.web import ApiError

MAX_CURSOR = 4096


@dataclass(frozen=True)
class Cursor:
    after: list[Any]
    pit: str | None = None
    seen: int = 0  # hits on the pages before this one
    now: str | None = None  # the recency origin of the first page: scores must not drift between pages


def _bad(message: str = "not a cursor this service gave out for this search") -> ApiError:
    return ApiError(400, "invalid_parameter", message, "cursor")


def fingerprint(params: SearchParams) -> str:
    """What a cursor is only valid with: the query text and sort order (filters may change between pages)."""
    return hashlib.sha256(f"{params.sort}\x00{params.q}".encode()).hexdigest()[:12]


def encode_cursor(after: list[Any], params: SearchParams, pit: str | None = None, seen: int = 0) -> str:
    now = params.now.isoformat() if params.now else None
    payload = {"a": after, "p": pit, "n": seen, "t": now, "f": fingerprint(params)}
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, params: SearchParams) -> Cursor:
    if len(cursor) > MAX_CURSOR:
        raise _bad()
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, RecursionError) as exc:  # RecursionError: "[[[[..." nested past the limit
        raise _bad() from exc
    if not isinstance(payload, dict):
        raise _bad()
    after, pit = payload.get("a"), payload.get("p")
    if not isinstance(after, list) or not after or not all(isinstance(v, str | int | float) for v in after):
        raise _bad()
    if pit is not None and not isinstance(pit, str):
        raise _bad()
    if payload.get("f") != fingerprint(params):
        raise _bad("this cursor belongs to another query or sort order: search again")
    seen = payload.get("n", 0)
    now = payload.get("t")
    if now is not None and not isinstance(now, str):
        raise _bad()
    return Cursor(after, pit, seen if isinstance(seen, int) and seen >= 0 else 0, now)
