"""Publication dates: found in written lines ("17 October, 2023 | 15:21"), parsed in many languages,
given the UTC offset of the dateline place for that date, and rejected when implausible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dateparser

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
CORE_LANGUAGES = ("en", "de", "fr", "es", "ru")
FUTURE_SLACK = timedelta(hours=14)  # the furthest any zone is ahead of UTC
_MONTHS = (
    r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|januar|februar|märz|mai|juni|juli|oktober|dezember"
    r"|janv|févr|fevr|mars|avr|juin|juil|août|aout|sept|déc|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre"
    r"|octubre|noviembre|diciembre|январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр"
)
WRITTEN_DATE = re.compile(
    rf"(?:\b\d{{1,2}}\.?\s*(?:de\s+)?(?:{_MONTHS})\w*\.?,?\s*(?:de\s+)?(?:19|20)\d\d"
    rf"|\b(?:{_MONTHS})\w*\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d"
    r"|\b\d{1,2}[./]\d{1,2}[./](?:19|20)\d\d\b|\b(?:19|20)\d\d-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d)?(?:Z|[+-]\d\d:?\d\d)?)?)",
    re.IGNORECASE,
)
# A clock time, not the day and month of "16.08.2019"; "3:02pm" as well as "15:21 Uhr".
TIME = re.compile(
    r"(?<![\d./])\b([01]?\d|2[0-3])(?:[:.]|\s?h\s?)(\d\d)(?!\d|[./]\d)(?:\s*(am|pm|a\.m\.|p\.m\.|uhr))?", re.IGNORECASE
)


def date_span(text: str) -> str | None:
    """The written date (and the time beside it) in a short line, as dateparser can read it."""
    found = WRITTEN_DATE.search(text)
    if not found:
        return None
    rest = text[found.end() : found.end() + 25]
    clock = TIME.search(rest) if not re.match(r"\d\d:\d\d", found.group(0)[11:]) else None
    before = TIME.search(text[max(0, found.start() - 12) : found.start()])
    clock = clock or before
    if not clock:
        return found.group(0).rstrip(",")
    meridiem = (clock.group(3) or "").lower().replace(".", "").replace("uhr", "")
    return f"{found.group(0).rstrip(',')} {clock.group(1)}:{clock.group(2)} {meridiem}".strip()


def _zone(name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder of the zone database ("America")
        return None


def _iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


# "17 October, 2023 15:21" (ASCII digits), as date_span() writes the date most English pages show: dateparser
# takes ~2 ms for it (a quarter of a text page's normalization) and returns exactly this datetime, whatever the
# page's language (tests/unit/shared/extraction/test_dates.py compares the two). Any other form is left to dateparser.
_ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MONTH_NUMBERS = {name: number for number, name in enumerate(_ENGLISH_MONTHS, 1)}
_ENGLISH_DATE = re.compile(
    rf"([0-9]{{1,2}}) ({'|'.join(_ENGLISH_MONTHS)}),? ((?:19|20)[0-9][0-9])(?: ([01]?[0-9]|2[0-3]):([0-5][0-9]))?"
)


def _english_date(text: str) -> datetime | None:
    found = _ENGLISH_DATE.fullmatch(text)
    if not found:
        return None
    day, month, year, hour, minute = found.groups()
    try:
        return datetime(int(year), _MONTH_NUMBERS[month], int(day), int(hour or 0), int(minute or 0))
    except ValueError:  # "31 April": dateparser decides
        return None


# Zone words a page writes after a time ("3:02pm PST", "…Z EST"): fixed offsets, hours east of UTC. Ambiguous
# abbreviations (IST: India, Ireland or Israel) are not read.
ZONE_WORDS = {
    "UTC": 0, "GMT": 0, "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "MEZ": 1, "CEST": 2, "MESZ": 2, "EET": 2, "EEST": 3,
    "MSK": 3, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7,
    "MDT": -6, "PST": -8, "PDT": -7,
}  # fmt: skip
_ZONE_WORD = re.compile(rf"(?<=[\d\sZz.])\s*\(?({'|'.join(ZONE_WORDS)})\)?\s*$", re.IGNORECASE)
_NUMERIC_OFFSET = re.compile(r"\d(?:\.\d+)?(?:(Z)|\s?([+-]\d\d:?\d\d))\s*$", re.IGNORECASE)
_YEAR_OR_MONTH = re.compile(r"\s*(?:19|20)\d\d(?:\s*[-/.]\s*\d{1,2})?\s*")  # "1988", "2017/01": no day
_ONE_DIGIT_SECONDS = re.compile(r"(T\d\d:\d\d:)(\d)(?=\D|$)")


@dataclass(frozen=True)
class Reading:
    """What a written date says: the moment (naive when the text gave no offset or zone) and whether it has a time."""

    value: datetime
    has_time: bool


def _zone_word(text: str) -> tuple[str, timezone | None]:
    """The text without a trailing zone word, and the offset the word stands for."""
    found = _ZONE_WORD.search(text)
    if not found:
        return text, None
    return text[: found.start()].rstrip(), timezone(timedelta(hours=ZONE_WORDS[found.group(1).upper()]))


def read_date(raw: str, languages: list[str] | None = None, month_first: bool = False) -> Reading | None:
    """The day (and time, and offset) a short text writes; None when it names no day. A numeric offset wins over a
    zone word, except UTC ("Z EST": the instant, shown at the word's offset)."""
    text = re.sub(r"\s*[|•·]\s*", " ", raw.strip()[:200]).strip()
    if not text or _YEAR_OR_MONTH.fullmatch(text):
        return None
    text, word_offset = _zone_word(text)
    text = _ONE_DIGIT_SECONDS.sub(r"\g<1>0\2", text)
    numeric = _NUMERIC_OFFSET.search(text)
    settings = {"RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DAY_OF_MONTH": "first", "PREFER_DATES_FROM": "past"}
    if not re.match(r"^\d{4}-?\d\d-?\d\d", text):
        settings["DATE_ORDER"] = "MDY" if month_first else "DMY"
    # Never all of dateparser's languages: loading them costs tens of seconds. The page's language first.
    first = list(dict.fromkeys([*(languages or []), "en"]))
    parsed = _iso(text) or (None if month_first else _english_date(text))
    parsed = parsed or dateparser.parse(text, languages=first, settings=settings)
    if parsed is None:
        parsed = dateparser.parse(text, languages=list(CORE_LANGUAGES), settings=settings)
    if parsed is None:
        return None
    if numeric and parsed.tzinfo is None:  # dateparser keeps the clock and drops the offset it read
        offset = _iso(f"2000-01-01T00:00{(numeric.group(1) or numeric.group(2)).upper()}")
        parsed = parsed.replace(tzinfo=offset.tzinfo if offset else None)
    if word_offset is not None:
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=word_offset)
        elif parsed.utcoffset() == timedelta(0):
            parsed = parsed.astimezone(word_offset)
    has_time = bool(TIME.search(text) or re.search(r"T\d\d:?\d\d", text))
    return Reading(parsed, has_time)


def localize(moment: datetime, zone_name: str | None) -> datetime:
    """A local time gets the zone's offset on that date; a UTC instant is shown at the zone's offset (the same
    instant: a publisher that writes only UTC for a local story); any other offset the page gave is kept."""
    zone = _zone(zone_name)
    if zone is None:
        return moment
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    if moment.utcoffset() == timedelta(0):
        return moment.astimezone(zone)
    return moment


def plausible(moment: datetime, now: datetime | None = None) -> bool:
    """Not before 1990 and not in the future (beyond the furthest any zone is ahead of UTC)."""
    comparable = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return EARLIEST <= comparable <= (now or datetime.now(UTC)) + FUTURE_SLACK


def iso(moment: datetime, has_time: bool) -> str:
    return moment.isoformat() if has_time else moment.date().isoformat()


def parse_published(
    raw: str, timezone: str | None = None, languages: list[str] | None = None, now: datetime | None = None
) -> str | None:
    """ISO 8601 from a written date. A local time gets the offset of `timezone` on that date, and so does a UTC
    instant (the same instant); any other offset the text gave is kept; a date without a time stays a date. None
    when absent or implausible."""
    reading = read_date(raw, languages)
    if reading is None:
        return None
    moment = localize(reading.value, timezone) if reading.has_time else reading.value
    if not plausible(moment, now):
        return None
    return iso(moment, reading.has_time)
