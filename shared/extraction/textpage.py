"""Plain text saved from a news page: find the title, standfirst, dateline, byline and body among the
site's navigation, breadcrumbs, logo and social lines, repeated title lines and footers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from shared.extraction.dates import date_span
from shared.extraction.furniture import BYLINE, furniture_kind, strip_furniture, words

_BREADCRUMB_NUMBER = re.compile(r"^\d{1,2}\.\s+")
_SEPARATORS = re.compile(r"\s*[•|·—–]\s*|\s+-\s+")
_TERMINAL = re.compile(r"[.!?…\"”»:]$")
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


def dateline_parts(line: str) -> tuple[str | None, str | None] | None:
    """(place, written date) of a dateline line such as "Astana, Kazakhstan • 17 October, 2023 | 15:21"."""
    if words(line) > 16 or len(line) > 140:
        return None
    date = date_span(line)
    if not date:
        return None
    place = None
    for part in _SEPARATORS.split(line):
        stripped = re.sub(
            r"^(published|updated|posted|veröffentlicht|aktualisiert|publié le|mis à jour|publicado"
            r"|обновлено|опубликовано)[:\s]*",
            "",
            part,
            flags=re.I,
        )
        if stripped and not date_span(stripped) and not re.search(r"\d", stripped) and words(stripped) <= 5:
            place = stripped.strip(" ,")
            break
    return place, date


def find_title(lines: list[str]) -> int | None:
    """Index of the title line: a line the page repeats (breadcrumb and heading), else the first line of substance."""
    bare = [_BREADCRUMB_NUMBER.sub("", line) for line in lines]
    head = bare[: max(12, len(bare) // 3)]
    for line in head:
        if 3 <= words(line) <= MAX_TITLE_WORDS and head.count(line) > 1 and furniture_kind(line) is None:
            last = max(i for i, other in enumerate(head) if other == line)
            return last
    for index, line in enumerate(head):
        if furniture_kind(line) or dateline_parts(line) or BYLINE.match(line) or _BREADCRUMB_NUMBER.match(lines[index]):
            continue
        if 3 <= words(line) <= MAX_TITLE_WORDS and not line.endswith((".", ",", ";")):
            return index
    return None


def _source_from(lines: list[str]) -> str | None:
    for line in lines:
        logo = re.match(r"^(.{2,40}?)\s+logo$", line, re.I)
        if logo:
            return logo.group(1)
    for line in reversed(lines):
        owner = re.search(
            r"(?:©|\(c\)|copyright)\s*(?:\d{4}(?:[-–]\d{4})?)?\s*([A-Z][\w .&'-]{1,40}?)(?:[.,]|\s+all rights|$)", line, re.I
        )
        if owner:
            return owner.group(1).strip()
    return None


def read_text_page(content: str) -> TextPage:
    lines = paragraphs_of(content)
    page = TextPage(source=_source_from(lines))
    title_at = find_title(lines)
    rest = lines
    if title_at is not None:
        page.title = _BREADCRUMB_NUMBER.sub("", lines[title_at])
        header, rest = lines[:title_at], lines[title_at + 1 :]
        for line in header:
            found = dateline_parts(line)
            if found and not page.date_raw:
                page.place_raw, page.date_raw = found
    body: list[str] = []
    for index, line in enumerate(rest):
        if not body:
            found = dateline_parts(line) if words(line) <= 16 else None
            byline = BYLINE.match(line)
            if found:
                page.place_raw = page.place_raw or found[0]
                page.date_raw = page.date_raw or found[1]
                continue
            if byline:
                page.authors = [a.strip() for a in re.split(r",| and | und | et | y | и ", byline.group("names")) if a.strip()]
                continue
            if furniture_kind(line) or line == page.title:
                continue
            if page.subtitle is None and _is_standfirst(line, rest[index + 1 : index + 3]):
                page.subtitle = line
                continue
        body.append(line)
    page.paragraphs, _ = strip_furniture([p for p in body if p != page.title])
    return page


def _is_standfirst(line: str, following: list[str]) -> bool:
    if len(line) > MAX_STANDFIRST_CHARS or not following:
        return False
    if not _TERMINAL.search(line):
        return True
    nxt = following[0]
    return bool(furniture_kind(nxt) or BYLINE.match(nxt) or dateline_parts(nxt))
