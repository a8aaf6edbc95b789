"""Publication dates: found in written lines ("17 October, 2023 | 15:21"), parsed in many languages,
given the UTC offset of the dateline place for that date, and rejected when implausible.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
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
TIME = re.compile(r"\b([01]?\d|2[0-3])(?:[:.]|\s?h\s?)(\d\d)\b(?:\s*(am|pm|a\.m\.|p\.m\.|uhr))?", re.IGNORECASE)
_OFFSET = re.compile(
    r"(?:Z|[+-]\d\d:?\d\d|\bUTC\b|\bGMT\b|\b[ECMP][SD]T\b|\bMSK\b|\bCES?T\b)\s*$|T\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)",
    re.I,
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


def parse_published(
    raw: str, timezone: str | None = None, languages: list[str] | None = None, now: datetime | None = None
) -> str | None:
    """ISO 8601 from a written date. A local time gets the offset of `timezone` on that date; an
    offset the text gave is kept; a date without a time stays a date. None when absent or implausible."""
    raw = raw.strip()[:200]
    if not raw:
        return None
    text = re.sub(r"\s*[|•·]\s*", " ", raw)
    settings = {
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PREFER_DAY_OF_MONTH": "first",
        "DATE_ORDER": "DMY",
        "PREFER_DATES_FROM": "past",
    }
    if re.match(r"^\d{4}-\d\d-\d\d", text):
        settings.pop("DATE_ORDER")
    # Never all of dateparser's languages: loading them costs tens of seconds. The page's language first.
    first = [*(languages or []), "en"]
    parsed = _iso(text) or _english_date(text) or dateparser.parse(text, languages=list(dict.fromkeys(first)), settings=settings)
    if parsed is None:
        parsed = dateparser.parse(text, languages=list(CORE_LANGUAGES), settings=settings)
    if parsed is None:
        return None
    has_time = bool(TIME.search(text) or re.search(r"T\d\d:\d\d", text))
    if parsed.tzinfo is None and _OFFSET.search(text) is None and (zone := _zone(timezone)):
        parsed = parsed.replace(tzinfo=zone)
    comparable = parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if not EARLIEST <= comparable <= (now or datetime.now(UTC)) + FUTURE_SLACK:
        return None
    if not has_time:
        return parsed.date().isoformat()
    return parsed.isoformat()
