"""API keys of the ingest and search services (docs/partner-access.md): one key model for both.

Keys come from a comma-separated setting (`name:key,...`, or a bare key) and a file (one `name:key` or
`name:sha256:<hex>` a line, `#` comments): SEARCH_API_KEYS[_FILE] and INGEST_API_KEYS[_FILE]. Only SHA-256 digests
are kept in memory; a presented key is hashed and compared with every digest in constant time
(`hmac.compare_digest`, no early exit). A key is known by its name everywhere after that (rate limits, feed
ownership, metrics, logs); the key itself never reaches a log line.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

from flask import request

from shared.web.service import ApiError

HEADER = "X-API-Key"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _entry(line: str, number: int) -> tuple[str, str] | None:
    line = line.strip()
    if not line or line.startswith("#"):
        return None
    name, sep, rest = line.partition(":")
    if not sep:
        return f"key{number}", _digest(line)
    if rest.startswith("sha256:"):
        return name, rest.removeprefix("sha256:").lower()
    return name, _digest(rest)


class KeyRing:
    """Digests of the configured keys, by key name."""

    def __init__(self, entries: list[tuple[str, str]]):
        self.digests = [(name, digest) for name, digest in entries]

    @classmethod
    def load(cls, keys: str, keys_file: str = "") -> KeyRing:
        """The keys of a `name:key,...` setting and of a keys file (empty: none)."""
        lines = [part for part in keys.split(",") if part.strip()]
        if keys_file:
            lines += Path(keys_file).read_text().splitlines()
        return cls([e for n, line in enumerate(lines, 1) if (e := _entry(line, n))])

    def __bool__(self) -> bool:
        return bool(self.digests)

    @property
    def names(self) -> set[str]:
        return {name for name, _ in self.digests}

    def name_of(self, presented: str) -> str | None:
        digest = _digest(presented)
        found = None
        for name, known in self.digests:  # every digest is compared: the time says nothing about which one matched
            if hmac.compare_digest(digest, known):
                found = name
        return found


def require_key(keys: KeyRing) -> str:
    """The name of the key this request presents in X-API-Key; 401 when it presents none or an unknown one."""
    presented = request.headers.get(HEADER, "")
    name = keys.name_of(presented) if presented else None
    if name is None:
        message = f"a valid {HEADER} header is required" if presented else f"the {HEADER} header is required"
        raise ApiError(401, "unauthorized", message, HEADER)
    return name
