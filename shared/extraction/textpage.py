"""Plain text saved from a news page: find the title, standfirst, dateline, byline and body among the
site's navigation, breadcrumbs, logo and social lines, repeated title lines and footers.

The page is read as lines. The body starts at the first line of prose (BODY_WORDS words or more);
the lines above it are the header, where the title is the line the page repeats (heading and last
breadcrumb), else the first line of substance after the site's name line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shared.extraction.dates import WRITTEN_DATE, date_span
from shared.extraction.furniture import BYLINE, furniture_kind, strip_furniture, words
from shared.places.resolve import resolve_place

_NUMBERED = re.compile(r"^\d{1,2}\.\s+")
_CRUMBS = re.compile(r"\s+[›>»/]\s+")
_SEPARATORS = re.compile(r"\s*[•|·—–]\s*|\s+-\s+")
_TERMINAL = re.compile(r"[.!?…\"”»:]$")
_DATE_LABEL = re.compile(
    r"^(published|updated|posted|veröffentlicht|aktualisiert|publié|mis à jour|publicado|actualizado|обновлено|опубликовано)"
    r"(\s+(on|am|le|el))?[:\s]*",
    re.IGNORECASE,
)
_TRAILING_WORDS = re.compile(r"[\s,;:|•·—–-]+((le|el|am|den|on|the)\s*)?$", re.IGNORECASE)
BODY_WORDS = 20
MAX_TITLE_WORDS = 30
MAX_STANDFIRST_CHARS = 300


@dataclass
class TextPage:
    title: str | None = None
    subtitle: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    place_raw: str | None = None
    date_raw: str | None = None
    source: str | None = None
    authors: list[str] = field(default_factory=list)


def paragraphs_of(content: str) -> list[str]:
    """Non-blank lines: saved pages put one block per line (blank lines in between or not)."""
    return [line.strip() for line in content.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip()]


def _clean_place(text: str) -> str | None:
    text = _DATE_LABEL.sub("", text.strip())
    text = _TRAILING_WORDS.sub("", text).strip(" ,.;:|•·—–-")
    if not text or re.search(r"\d", text) or words(text) > 5:
        return None
    return text


def dateline_parts(line: str) -> tuple[str | None, str] | None:
    """(place, written date) of a dateline line such as "Astana, Kazakhstan • 17 October, 2023 | 15:21"."""
    if words(line) > 16 or len(line) > 140:
        return None
    date = date_span(line)
    found = WRITTEN_DATE.search(line)
    if not date or not found:
        return None
    place = _clean_place(line[: found.start()])
    if place is None:
        after = [_clean_place(p) for p in _SEPARATORS.split(line[found.end() :])]
        place = next((p for p in after if p), None)
    return place, date


def is_breadcrumb(line: str) -> bool:
    return bool(_NUMBERED.match(line)) or len(_CRUMBS.findall(line)) >= 2


def _last_crumb(line: str) -> str:
    return _CRUMBS.split(_NUMBERED.sub("", line))[-1].strip()


def _is_header_noise(line: str) -> bool:
    return bool(furniture_kind(line) or dateline_parts(line) or BYLINE.match(line) or is_breadcrumb(line))


def find_title(lines: list[str]) -> int | None:
    """Index of the title line among the header lines."""
    body_at = next((i for i, line in enumerate(lines) if words(line) >= BODY_WORDS and not furniture_kind(line)), len(lines))
    header = lines[:body_at]
    crumbs = {_last_crumb(line) for line in header if is_breadcrumb(line)}
    for index in range(len(header) - 1, -1, -1):
        line = header[index]
        if is_breadcrumb(line) or not 3 <= words(line) <= MAX_TITLE_WORDS:
            continue
        if line in crumbs or header.count(line) > 1:
            return index
    candidates = [i for i, line in enumerate(header) if not _is_header_noise(line) and 2 <= words(line) <= MAX_TITLE_WORDS]
    if len(candidates) > 1 and candidates[0] == 0:
        candidates = candidates[1:]  # the first line of a saved page is the site's name
    return candidates[0] if candidates else None


def _source_from(lines: list[str]) -> str | None:
    for line in lines:
        logo = re.match(r"^(?:logo\s+)?(.{2,40}?)(?:\s+logo)?$", line, re.I)
        if logo and re.search(r"\blogo\b", line, re.I):
            return logo.group(1).strip()
    for line in reversed(lines):
        owner = re.search(r"(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:[-–]\d{4})?)?\s*([^\W\d][^\d©|.,]{1,40})", line, re.I)
        before = re.match(r"^(?!copyright)([^\W\d][^\d©|.,]{1,40}?)\s*©", line, re.I)
        found = (before or owner) if before or owner else None
        if found:
            name = re.split(r"\s+(?:all rights|alle rechte|tous droits|todos los|все права)", found.group(1), flags=re.I)[0]
            return name.strip(" -–") or None
    return None


def _authors(names: str) -> list[str]:
    return [a.strip() for a in re.split(r",| and | und | et | y | и ", names) if a.strip()]


def read_text_page(content: str) -> TextPage:
    lines = paragraphs_of(content)
    page = TextPage(source=_source_from(lines))
    title_at = find_title(lines)
    rest = lines
    if title_at is not None:
        page.title = _NUMBERED.sub("", lines[title_at])
        header, rest = lines[:title_at], lines[title_at + 1 :]
        for line in header:
            found = dateline_parts(line)
            if found and not page.date_raw:
                page.place_raw, page.date_raw = found
            byline = BYLINE.match(line)
            if byline and not page.authors:
                page.authors = _authors(byline.group("names"))
    body: list[str] = []
    for index, line in enumerate(rest):
        if not body:
            found = dateline_parts(line)
            byline = BYLINE.match(line)
            if found:
                page.place_raw = page.place_raw or found[0]
                page.date_raw = page.date_raw or found[1]
                continue
            if byline:
                page.authors = page.authors or _authors(byline.group("names"))
                continue
            if furniture_kind(line) or line == page.title or is_breadcrumb(line):
                continue
            if not page.place_raw and words(line) <= 4 and resolve_place(line):
                page.place_raw = line  # a dateline line of its own: "Lyon, France"
                continue
            if page.subtitle is None and _is_standfirst(line, rest[index + 1 : index + 3]):
                page.subtitle = line
                continue
        body.append(line)
    page.paragraphs, _ = strip_furniture([p for p in body if p != page.title])
    return page


def _is_standfirst(line: str, following: list[str]) -> bool:
    if len(line) > MAX_STANDFIRST_CHARS or not following or words(line) >= BODY_WORDS:
        return False
    if not _TERMINAL.search(line):
        return True
    nxt = following[0]
    return bool(furniture_kind(nxt) or BYLINE.match(nxt) or dateline_parts(nxt))
