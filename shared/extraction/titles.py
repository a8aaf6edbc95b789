"""The headline of a page, from the candidates it offers, without the site name."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from shared.extraction.htmlmeta import PageMeta, strip_site_name


def _key(text: str) -> str:
    return re.sub(r"\W+", "", text.casefold())


def _site_names(names: list[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        if name.startswith(("http://", "https://")):
            host = urlsplit(name).hostname or ""
            out.extend(
                part for part in host.split(".") if part not in ("www", "com", "org", "net", "co", "uk", "de", "fr", "es", "ru")
            )
        elif name:
            out.append(name)
    return out


def choose_title(meta: PageMeta, fallback: str | None, site_names: list[str]) -> str | None:
    """The <h1> when another candidate confirms it, else JSON-LD headline, og:title, <h1>, <title>."""
    names = _site_names(site_names)
    candidates = [c for c in (meta.headline, meta.og_title, meta.title_tag, fallback) if c]
    h1 = meta.h1
    if h1 and 2 <= len(h1.split()) <= 40 and any(_key(h1) in _key(c) for c in candidates):
        return h1
    for candidate in (meta.headline, meta.og_title, h1, meta.title_tag, fallback):
        if candidate:
            return strip_site_name(candidate, names)
    return None
