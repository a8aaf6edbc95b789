"""Rules on places: the dateline place (from the client, the page, or the body's opening dateline)
and the countries the article mentions."""

from __future__ import annotations

import re

from shared.extraction.draft import Draft
from shared.extraction.rules import Rule
from shared.places.gazetteer import fold, gazetteer
from shared.places.mentions import capitalised_runs, mention_index, places_mentioned
from shared.places.resolve import resolve_place

# "WASHINGTON (Reuters) — ", "MOSCOW, Oct. 5 (AP) - ", "Berlin (dpa) - ", "PARIS, 5 mars (AFP) -"
BODY_DATELINE = re.compile(
    r"^(?P<place>[^\W\d_][^\W\d_ .'’-]*(?:[ .'’-]+[^\W\d_][^\W\d_.'’-]*){0,3}(?:,\s*[^\W\d_][\w.]*(?:\s[^\W\d_][\w.]*)?)?)"
    r"\s*(?:,\s*(?:le\s+|el\s+)?[\w.]{2,10}\s\d{1,2}|,\s*(?:le\s+|el\s+)?\d{1,2}\.?\s[\w.]{2,12})?(?:,?\s\d{4})?\s*"
    r"(?:\((?P<agency>[\w .-]{2,20})\)\s*)?\.?[—–-]{1,2}\s"
)


def body_dateline(body: str) -> str | None:
    """The place of an opening dateline: an upper-case place, or any place followed by an agency."""
    found = BODY_DATELINE.match(body[:160])
    if not found:
        return None
    place = found.group("place")
    city = place.split(",")[0]
    if found.group("agency") or (city.isupper() and len(city) > 2):
        return place
    return None


def title_city(title: str) -> str | None:
    """The first larger city (as places mentioned count them) the headline names."""
    gaz = gazetteer()
    for run in capitalised_runs(title):
        for size in range(min(3, len(run)), 0, -1):
            for start in range(len(run) - size + 1):
                name = " ".join(run[start : start + size])
                key = fold(name)
                if key in mention_index() and key in gaz.cities and key not in gaz.country_names:
                    return name
    return None


def _find_location(draft: Draft) -> None:
    text = "\n".join(filter(None, [draft.title, draft.subtitle, draft.body]))
    openings = draft.body.split("\n\n")[:2]
    for raw in (draft.location_raw, *(body_dateline(p) for p in openings)):
        if raw:
            location = resolve_place(raw, text)
            if location:
                draft.location = location
                return
    city = title_city(draft.title or "")
    if city:  # no dateline: a city the headline names ("Sydney records its wettest July day")
        draft.location = resolve_place(city, text)
        return
    if draft.location_raw:
        draft.notes.append(f"location: no known place in {draft.location_raw!r}")


def _find_places_mentioned(draft: Draft) -> None:
    found = places_mentioned("\n".join(filter(None, [draft.title, draft.subtitle, draft.body])))
    code = (draft.location or {}).get("country_code")
    if isinstance(code, str) and code not in found:
        found.append(code)
    draft.places_mentioned = found


RULES = [
    Rule("location", _find_location, predicate=lambda d: bool(d.location_raw or d.body)),
    Rule("places-mentioned", _find_places_mentioned, predicate=lambda d: bool(d.body or d.title)),
]
