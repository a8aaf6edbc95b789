"""Where a news page states its publication date: JSON-LD, meta tags, the article's <time>, and its URL.

Each source gives its candidates in the order it is trusted; `shared/extraction/date_choice.py` settles between
them (docs/normalization.md, "Publication dates"). Sidebars, teasers and embedded posts carry the dates of other
articles: their <time> elements are left out.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

# Meta names and properties of the publication time, most trusted first (compared lower-cased). A bare "date" is often
# the last change, so it comes last.
PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "article:published",
    "datepublished",
    "published_time",
    "publish-date",
    "publish_date",
    "publishdate",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "dc.date",
    "dcterms.date",
    "citation_publication_date",
    "date",
)
_RANK = {name: rank for rank, name in enumerate(PUBLISHED_META)}
# Containers of other articles' dates (related links, teasers, sidebars, comments, embedded social posts), by a word
# of their class or id.
ELSEWHERE = frozenset({
    "related", "teaser", "teasers", "sidebar", "aside", "recommended", "recommendations", "widget", "comment", "comments",
    "popular", "latest", "trending", "embed", "instagram", "twitter", "tiktok", "promo", "newsletter", "breadcrumb",
    "breadcrumbs", "nav", "navbar", "navigation", "menu", "rail", "outbrain", "taboola",
})  # fmt: skip
_WORDS = re.compile(r"[\s_-]+")
_MARKED = (
    './/*[@itemprop="datePublished"] | .//time[@pubdate] | .//time[contains(@class, "publish")]'
    ' | .//time[contains(@class, "pubdate")] | .//time[contains(@class, "created")]'
    ' | .//*[@*[starts-with(name(), "data-") and contains(name(), "publish")]]'
)
_DATE_LIKE = re.compile(r"(?:19|20)\d\d|\d{1,2}[./]\d{1,2}[./]\d{2,4}")
_EPOCH = re.compile(r"1\d{9}(?:\d{3})?")  # 2001-09-09 to 2033-05-18, in seconds or milliseconds


def meta_dates(root: Any) -> list[str]:
    """The publication times the page's meta tags give, the most trusted name first; empty values left out."""
    found: list[tuple[int, str]] = []
    for element in root.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        value = (element.get("content") or element.get("datetime") or "").strip()
        if key in _RANK and value:
            found.append((_RANK[key], value))
    return [value for _, value in sorted(found, key=lambda item: item[0])]


def _elsewhere(element: Any) -> bool:
    """Inside an aside, a navigation, or a container whose class or id names other articles."""
    for node in element.iterancestors():
        if node.tag in ("aside", "nav"):
            return True
        if ELSEWHERE.intersection(_WORDS.split(f"{node.get('class') or ''} {node.get('id') or ''}".lower())):
            return True
    return False


def _data_date(name: str, value: str) -> str | None:
    """A `data-` attribute's date: written, or seconds (or milliseconds) since 1970 as UTC."""
    if not name.startswith("data-") or not any(word in name for word in ("publish", "date", "time")):
        return None
    value = value.strip()
    if _EPOCH.fullmatch(value):
        return datetime.fromtimestamp(int(value[:10]), UTC).isoformat()
    return value if _DATE_LIKE.search(value) else None


def time_value(element: Any) -> str | None:
    """What a <time> (or an element marked as the publication time) says: its machine value, a `data-` attribute
    holding a date (one named for publishing first), else its text."""
    for name in ("datetime", "content"):
        if (element.get(name) or "").strip():
            return str(element.get(name)).strip()
    attributes = sorted(element.attrib.items(), key=lambda item: "publish" not in item[0])
    for name, value in attributes:
        if found := _data_date(str(name), str(value)):
            return found
    text = " ".join(element.text_content().split())
    return text if _DATE_LIKE.search(text) else None


def time_dates(root: Any) -> list[str]:
    """Values of the article's own time elements: those marked as the publication time, then the first <time> in
    the <article> (or <main>, or after the headline), leaving out times in sidebars, teasers and embeds."""
    found: list[str] = []
    marked = [e for e in root.xpath(_MARKED) if e.tag != "meta" and not _elsewhere(e)]
    plain = root.xpath("//article//time | //main//time | //h1/following::time[1]")
    for element in [*marked, *(e for e in plain if not _elsewhere(e))]:
        value = time_value(element)
        if value and value not in found:
            found.append(value)
    return found[:4]


def ld_dates(objects: list[dict[str, Any]]) -> list[str]:
    """`datePublished` of the page's article objects, in their order."""
    values = (obj.get("datePublished") for obj in objects)
    return [value.strip() for value in values if isinstance(value, str) and value.strip()]


# /2023/06/08/slug, /2023/6/8/, /2023-12-19/slug, /20231108/slug, /2023_12_19_slug: a whole path segment or the start of
# one. A longer run of digits (an id, an archive's 14-digit timestamp) is not a date, nor is /2023/10/3-questions-to.
_URL_DAY = re.compile(
    r"(?:^|/)((?:19|20)\d\d)(?:/(0?[1-9]|1[0-2])/(0?[1-9]|[12]\d|3[01])(?=/|$|\.html?$)"
    r"|([-_])(0[1-9]|1[0-2])\4(0[1-9]|[12]\d|3[01])(?=/|$|[-_.])"
    r"|(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=/|$|[-_.]))"
)
_URL_MONTH = re.compile(r"(?:^|/)((?:19|20)\d\d)/(0[1-9]|1[0-2])(?=/|$)")
_ARCHIVE = re.compile(r"^/web/\d{14}[a-z_]*/(?:https?://[^/]+)?", re.IGNORECASE)  # web.archive.org: the page's own URL after it


def _path(url: str) -> str:
    try:
        path = urlsplit(url.strip()).path
    except ValueError:
        return ""
    return _ARCHIVE.sub("/", path)


def url_day(url: str | None) -> date | None:
    """The publication day a URL's path carries, if any."""
    for found in _URL_DAY.finditer(_path(url or "")):
        year, groups = int(found.group(1)), [g for g in found.groups()[1:] if g and g not in "-_"]
        try:
            return date(year, int(groups[0]), int(groups[1]))
        except (ValueError, IndexError):
            continue
    return None


def url_month(url: str | None) -> tuple[int, int] | None:
    """(year, month) of a path such as /2011/12/slug, when it carries no day."""
    if url_day(url):
        return None
    found = _URL_MONTH.search(_path(url or ""))
    return (int(found.group(1)), int(found.group(2))) if found else None
