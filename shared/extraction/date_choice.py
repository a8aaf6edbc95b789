"""The publication date of a page, settled between its evidence (docs/normalization.md, "Publication dates";
docs/adr/0019-publication-date-evidence.md).

1. Every candidate is read (written dates in the page's language); one that names no day or is implausible is noted
   and passed over, so the next one counts.
2. Each is given the offset its readers see: a local time and a UTC instant take the dateline place's zone, else the
   offset the page writes the same moment in elsewhere, else the zone of the publisher's country.
3. The sources vote for a day, one vote each (JSON-LD, meta tags, the article's <time>, the byline line, htmldate);
   a tie goes to the most trusted. An ambiguous numeric date ("11/08/2023") is read month first when only that
   reading agrees with another source.
4. A day in the URL's path names the publisher's day: a vote for another day loses to it (the candidates' own
   candidate for the URL's day is taken when there is one, else the URL's day alone), and a year/month path keeps
   the day inside that month.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone

from shared.extraction.date_evidence import url_day, url_month
from shared.extraction.dates import Reading, iso, localize, plausible, read_date
from shared.places.zones import country_zone, url_country

SOURCES = ("json-ld", "meta", "time", "byline", "htmldate")  # most trusted first
_RANK = defaultdict(lambda: len(SOURCES), {source: rank for rank, source in enumerate(SOURCES)})
# htmldate reads the same meta tags and JSON-LD first: its answer is mostly a copy of theirs, so it counts half (it
# breaks a tie between two sources, it cannot outvote one).
WEIGHTS = {"htmldate": 0.5}
EARLIEST_ZONE, LATEST_ZONE = timedelta(hours=-12), timedelta(hours=14)
URL_SLACK = timedelta(days=1)  # a story drafted late and published after midnight: its own date stands
_AMBIGUOUS = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./](?:19|20)\d\d\b")


@dataclass(frozen=True)
class Candidate:
    source: str
    raw: str
    value: datetime
    has_time: bool
    alternate: datetime | None = None  # the month-first reading of an ambiguous numeric date

    @property
    def day(self) -> date:
        return self.value.date()

    @property
    def utc_only(self) -> bool:
        return self.has_time and self.value.tzinfo is not None and self.value.utcoffset() == timedelta(0)

    def could_be(self, day: date) -> bool:
        """Its day, or for a UTC instant any day it falls on somewhere between UTC-12 and UTC+14."""
        if not self.utc_only:
            return self.day == day
        return (self.value + EARLIEST_ZONE).date() <= day <= (self.value + LATEST_ZONE).date()


@dataclass(frozen=True)
class Context:
    url: str | None = None
    zone: str | None = None  # the dateline place's
    languages: list[str] | None = None
    now: datetime | None = None


def _read(source: str, raw: str, context: Context) -> Candidate | None:
    reading = read_date(raw, context.languages)
    if reading is None or not plausible(reading.value, context.now):
        return None
    alternate: Reading | None = None
    found = _AMBIGUOUS.search(raw)
    if found and found.group(1) != found.group(2) and max(int(found.group(1)), int(found.group(2))) <= 12:
        alternate = read_date(raw, context.languages, month_first=True)
    other = alternate.value if alternate and plausible(alternate.value, context.now) else None
    return Candidate(source, raw, reading.value, reading.has_time, other)


def read_candidates(evidence: list[tuple[str, str]], context: Context) -> tuple[list[Candidate], list[str]]:
    """The usable candidates in the order given, and a note for each that is not."""
    found: list[Candidate] = []
    notes: list[str] = []
    for source, raw in evidence:
        candidate = _read(source, raw, context)
        if candidate is None:
            notes.append(f"published: could not use {raw[:80]!r} ({source})")
        else:
            found.append(candidate)
    return found, notes


def _same_clock_face(local: datetime, utc: datetime) -> bool:
    """A local time and a UTC one that can only be the same moment: the same seconds (not :00), or the same minutes
    (not :00) on the full minute."""
    if local.second or utc.second:
        return local.second == utc.second
    return local.minute == utc.minute != 0


def _page_offset(candidate: Candidate, others: list[Candidate]) -> timezone | None:
    """The offset at which the page writes the same moment elsewhere: an offset of its own, or a local time that
    differs from this UTC one by whole quarter hours with the same clock face."""
    for other in others:
        if not other.has_time or other is candidate:
            continue
        offset = other.value.utcoffset()
        if offset and abs(other.value - candidate.value) < timedelta(seconds=1):
            return timezone(offset)
        if other.value.tzinfo is None and _same_clock_face(other.value, candidate.value):
            difference = other.value - candidate.value.replace(tzinfo=None)
            quarter = difference % timedelta(minutes=15) == timedelta(0)
            if quarter and difference and EARLIEST_ZONE <= difference <= LATEST_ZONE:
                return timezone(difference)
    return None


def _localized(candidate: Candidate, others: list[Candidate], context: Context) -> Candidate:
    if not candidate.has_time or (candidate.value.tzinfo is not None and not candidate.utc_only):
        return candidate
    if context.zone:
        return replace(candidate, value=localize(candidate.value, context.zone))
    if candidate.utc_only and (offset := _page_offset(candidate, others)):
        return replace(candidate, value=candidate.value.astimezone(offset))
    zone = country_zone(url_country(context.url), candidate.value)
    return replace(candidate, value=localize(candidate.value, zone)) if zone else candidate


def _voters(candidates: list[Candidate]) -> list[Candidate]:
    """The first candidate of each source, most trusted source first."""
    first: dict[str, Candidate] = {}
    for candidate in candidates:
        first.setdefault(candidate.source, candidate)
    return sorted(first.values(), key=lambda c: _RANK[c.source])


def _voted_day(voters: list[Candidate]) -> date:
    """The day with the most votes; a tie goes to the most trusted source's day."""
    days = [v.day for v in voters]
    for i, voter in enumerate(voters):
        alone = days.count(voter.day) == 1
        if alone and voter.alternate and voter.alternate.date() in days[:i] + days[i + 1 :]:
            days[i] = voter.alternate.date()
    votes: dict[date, float] = {}
    for voter, day in zip(voters, days, strict=True):
        votes[day] = votes.get(day, 0.0) + WEIGHTS.get(voter.source, 1.0)
    return max(votes, key=lambda d: (votes[d], -days.index(d)))


def _best_on(day: date, candidates: list[Candidate]) -> Candidate | None:
    """The most precise candidate for that day (a time with its offset, then a time, then a date), most trusted first."""
    on_day = [c for c in candidates if c.day == day] + [
        replace(c, value=c.alternate) for c in candidates if c.alternate and c.alternate.date() == day
    ]
    ranked = sorted(on_day, key=lambda c: (not c.has_time, c.value.tzinfo is None, _RANK[c.source]))
    return ranked[0] if ranked else None


def _url_checked(chosen: Candidate, candidates: list[Candidate], context: Context) -> tuple[Candidate | date, str | None]:
    """The URL's day over another day; inside the URL's month when it names only a month."""
    day = url_day(context.url)
    if day is not None and chosen.day != day:
        on_day = _best_on(day, candidates)
        if on_day or chosen.could_be(day) or abs(chosen.day - day) > URL_SLACK:
            why = "is UTC, in a zone not known" if chosen.could_be(day) else "is another day"
            return on_day or day, f"published: the URL's day {day}: {chosen.raw!r} ({chosen.source}) {why}"
    month = url_month(context.url)
    if month is not None and (chosen.value.year, chosen.value.month) != month:
        inside = sorted((c for c in candidates if (c.value.year, c.value.month) == month), key=lambda c: _RANK[c.source])
        if inside:
            return inside[0], f"published: {inside[0].raw!r} ({inside[0].source}), in the URL's month"
    return chosen, None


def settle(evidence: list[tuple[str, str]], context: Context) -> tuple[str | None, list[str]]:
    """The publication date (ISO 8601, with the offset its readers see when a time is known) and the notes."""
    read, notes = read_candidates(evidence, context)
    candidates = [_localized(c, read, context) for c in read]
    voters = _voters(candidates)
    if not voters:
        day = url_day(context.url)
        return (day.isoformat() if day else None), notes
    chosen = _best_on(_voted_day(voters), candidates) or voters[0]
    settled, note = _url_checked(chosen, candidates, context)
    notes.extend([note] if note else [])
    if isinstance(settled, Candidate):
        return iso(settled.value, settled.has_time), notes
    return settled.isoformat(), notes
