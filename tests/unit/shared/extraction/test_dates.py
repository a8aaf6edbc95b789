"""Publication times: the offset of the dateline place on that date, offsets kept, implausible dates refused."""

from __future__ import annotations

from datetime import UTC, datetime

import dateparser

from shared.extraction.dates import _ENGLISH_MONTHS, _english_date, date_span, parse_published
from shared.extraction.meta_rules import DATE_LANGUAGES

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_local_time_gets_the_offset_of_the_place_on_that_date() -> None:
    # Astana was UTC+6 until Kazakhstan moved to UTC+5 on 2024-03-01.
    assert parse_published("17 October, 2023 15:21", "Asia/Almaty", now=NOW) == "2023-10-17T15:21:00+06:00"
    assert parse_published("12 March 2024 16:05", "Asia/Almaty", now=NOW) == "2024-03-12T16:05:00+05:00"


def test_summer_and_winter_time() -> None:
    assert parse_published("5 March 2024 10:00", "Europe/Berlin", now=NOW) == "2024-03-05T10:00:00+01:00"
    assert parse_published("5 July 2024 10:00", "Europe/Berlin", now=NOW) == "2024-07-05T10:00:00+02:00"


def test_an_offset_the_page_gave_is_kept() -> None:
    assert parse_published("2024-03-05T10:00:00+01:00", "Asia/Almaty", now=NOW) == "2024-03-05T10:00:00+01:00"
    assert parse_published("2024-03-05T10:00:00Z", None, now=NOW) == "2024-03-05T10:00:00+00:00"


def test_a_utc_instant_of_a_local_story_keeps_the_instant_at_the_local_offset() -> None:
    # The publisher wrote only UTC; the dateline place's zone is how the story's readers tell the time.
    assert parse_published("2024-03-05T10:00:00Z", "Asia/Almaty", now=NOW) == "2024-03-05T15:00:00+05:00"
    assert parse_published("2023-11-09T01:49:09+00:00", "America/Los_Angeles", now=NOW) == "2023-11-08T17:49:09-08:00"
    assert parse_published("2023-07-09T23:30:00 GMT", "Europe/Berlin", now=NOW) == "2023-07-10T01:30:00+02:00"


def test_odd_forms_of_machine_dates() -> None:
    # Fractions of seconds and a zone word after the UTC mark: the instant, at the word's offset.
    assert parse_published("2023-12-20T13:00:05.766240Z EST", now=NOW) == "2023-12-20T08:00:05.766240-05:00"
    assert parse_published("2020-09-26T12:07:40+02:00CET", now=NOW) == "2020-09-26T12:07:40+02:00"  # the number wins
    assert parse_published("Feb 16, 2020 at 3:02pm PST", now=NOW) == "2020-02-16T15:02:00-08:00"
    assert parse_published("2020-12-05T23:15:0Z", now=NOW) == "2020-12-05T23:15:00+00:00"  # one digit of seconds
    assert parse_published("20200414T00:38:07Z", now=NOW) == "2020-04-14T00:38:07+00:00"
    assert parse_published("2020-08-25T00:23:33.312Z", now=NOW) == "2020-08-25T00:23:33.312000+00:00"


def test_a_year_or_a_month_is_not_a_publication_day() -> None:
    assert parse_published("1988", now=NOW) is None
    assert parse_published("2017/01", now=NOW) is None
    assert parse_published("2017-01-30", now=NOW) == "2017-01-30"


def test_without_a_place_local_time_stays_local_and_a_date_stays_a_date() -> None:
    assert parse_published("2024-03-05 10:00", None, now=NOW) == "2024-03-05T10:00:00"
    assert parse_published("5 March 2024", "Europe/Paris", now=NOW) == "2024-03-05"


def test_written_dates_in_several_languages() -> None:
    assert (
        parse_published(date_span("Publié le 5 mars 2024 à 10h30") or "", "Europe/Paris", ["fr"], NOW)
        == "2024-03-05T10:30:00+01:00"
    )
    assert (
        parse_published(date_span("7 de febrero de 2024, 09:15") or "", "Europe/Madrid", ["es"], NOW)
        == "2024-02-07T09:15:00+01:00"
    )
    assert parse_published(date_span("17 октября 2023, 15:21") or "", "Europe/Moscow", ["ru"], NOW) == "2023-10-17T15:21:00+03:00"
    assert (
        parse_published(date_span("28. August 2024 | 14:20 Uhr") or "", "Europe/Berlin", ["de"], NOW)
        == "2024-08-28T14:20:00+02:00"
    )


def test_future_and_pre_1990_dates_are_refused() -> None:
    assert parse_published("2030-01-01", now=NOW) is None
    assert parse_published("1985-06-01", now=NOW) is None
    assert parse_published("not a date at all", now=NOW) is None


def test_english_dates_skip_dateparser_with_its_very_result() -> None:
    # The full comparison (every month, day, clock and page language: 69,888 parses) ran once offline; here a sample.
    settings = {"RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DAY_OF_MONTH": "first", "DATE_ORDER": "DMY"}
    settings["PREFER_DATES_FROM"] = "past"
    for (number, month), language in zip(enumerate(_ENGLISH_MONTHS, 1), sorted(DATE_LANGUAGES), strict=True):
        for text in (f"{number + 17} {month}, 2023 {number + 8}:05", f"0{number % 9 + 1} {month} 1998"):
            for languages in ([language, "en"], ["en"]):
                assert _english_date(text) == dateparser.parse(text, languages=languages, settings=settings), (text, languages)
    assert _english_date("31 April 2024") is None  # not a date: dateparser decides
    assert _english_date("17 October 2023 3pm") is None
