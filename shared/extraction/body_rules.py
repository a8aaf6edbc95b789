"""Rules on the body's opening: what an extractor left above the first paragraph (the headline again,
the standfirst, a byline, a date line, a lone place line) comes out, and tells us authors, date, place."""

from __future__ import annotations

import re

from shared.articles.ids import fold_text
from shared.articles.limits import text_only
from shared.extraction.draft import Draft
from shared.extraction.furniture import BYLINE, furniture_kind, words
from shared.extraction.rules import Rule
from shared.extraction.text_rules import html_to_text
from shared.extraction.textpage import dateline_parts, is_breadcrumb
from shared.places.resolve import resolve_place

HEAD_PARAGRAPHS = 6
UPDATE_LABEL = re.compile(
    r"^\W*(updated|last updated|modified|aktualisiert|zuletzt aktualisiert|stand|mis à jour|actualizado|actualización"
    r"|обновлено)\b",
    re.IGNORECASE,
)


def _same(a: str | None, b: str) -> bool:
    return bool(a) and fold_text(a or "") == fold_text(b)


def _trim_head(draft: Draft) -> None:
    paragraphs = draft.body.split("\n\n")
    while paragraphs and len(paragraphs) > 1:
        head = paragraphs[0]
        byline = BYLINE.match(head)
        dateline = dateline_parts(head)
        standfirst = not draft.subtitle_from_meta and _same(draft.subtitle, head)
        if _same(draft.title, head) or standfirst or furniture_kind(head) or is_breadcrumb(head):
            pass
        elif byline:
            draft.authors = draft.authors or [
                a.strip() for a in re.split(r",| and | und | et | y | и ", byline["names"]) if a.strip()
            ]
        elif dateline:
            draft.location_raw = draft.location_raw or dateline[0]
            draft.published_raw = draft.published_raw or dateline[1]
            if not UPDATE_LABEL.match(head):
                draft.date_evidence.append(("byline", dateline[1]))
        elif words(head) <= 4 and resolve_place(head):
            draft.location_raw = draft.location_raw or head
        else:
            break
        paragraphs.pop(0)
    draft.body = "\n\n".join(paragraphs)


def _drop_headline_repeats(draft: Draft) -> None:
    """The headline again further down (a video card or embed of the story itself, a share box) is not article
    text: a paragraph that is only the title comes out wherever it stands, and the body keeps its first paragraph."""
    paragraphs = draft.body.split("\n\n")
    title = fold_text(draft.title or "")
    # Folding only shortens a paragraph by its runs of spaces: one far longer than the headline is not compared.
    longest = 4 * len(title) + 64
    kept = paragraphs[:1] + [p for p in paragraphs[1:] if len(p) > longest or fold_text(p) != title]
    if len(kept) < len(paragraphs):
        draft.body = "\n\n".join(kept)


def _page_dateline(draft: Draft) -> None:
    """An HTML page's visible date line ("Barcelona, 21 de junio de 2024, 14:35") near its headline: its place, and
    its date as evidence of the publication date, unless the line gives the last change ("Updated …", "Stand: …")."""
    try:
        text = html_to_text(draft.html or "")
    except ValueError:  # lxml refuses control characters: the page without them
        text = html_to_text(text_only(draft.html or "")[0])
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    start = next((i for i, line in enumerate(lines) if _same(draft.title, line)), 0)
    place_seen = False
    for line in lines[start : start + HEAD_PARAGRAPHS * 2]:
        found = dateline_parts(line)
        if not found:
            continue
        if not place_seen:
            draft.location_raw = draft.location_raw or found[0]
            place_seen = True
        if not UPDATE_LABEL.match(line):
            draft.date_evidence.append(("byline", found[1]))
            return


RULES = [
    Rule("body-head", _trim_head, predicate=lambda d: bool(d.body)),
    Rule("body-headline-repeats", _drop_headline_repeats, predicate=lambda d: bool(d.body and d.title)),
    Rule("page-dateline", _page_dateline, predicate=lambda d: bool(d.html)),
]
