"""The normalizer's readers of untrusted text: written dates, datelines and place names (page bytes: tests/unit/shared/text).
Whatever they get they answer (text, an ISO date or None, a place or None) and never raise or hang."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from shared.extraction.dates import EARLIEST, FUTURE_SLACK, date_span, parse_published
from shared.extraction.meta_rules import DATE_LANGUAGES
from shared.extraction.place_rules import body_dateline, title_city
from shared.places.mentions import places_mentioned
from shared.places.resolve import resolve_place
from tests.unit.strategies import PROPERTY, words

ZONES = sorted(zoneinfo.available_timezones())
zones = st.one_of(st.none(), st.sampled_from(ZONES), st.sampled_from(["America", "Europe/", "../etc", "UTC\x00", ""]), words)
languages = st.one_of(st.none(), st.lists(st.sampled_from(sorted(DATE_LANGUAGES)), max_size=3))
DATE_BITS = ["17 October, 2023", "| 15:21", "2023-10-17T10:00:00+06:00", "Oct. 5, 2023", "5 mars 2023", "12.03.2021"]
DATE_BITS += ["3:45 p.m.", "UTC", "EST", "Z", "9999-12-31", "0001-01-01T00:00", "31/02/2022", "17 октября 2023 г.", "•"]
date_texts = st.one_of(words, st.lists(st.one_of(words, st.sampled_from(DATE_BITS)), max_size=6).map(" ".join))
PLACE_BITS = ["Astana", "Kazakhstan", "PARIS", "Texas", "Paris", "New York", "(AP)", " — ", ", ", "MOSCOW, Oct. 5 (AP) - "]
place_texts = st.one_of(words, st.lists(st.one_of(words, st.sampled_from(PLACE_BITS)), max_size=8).map("".join))


@pytest.fixture(scope="module", autouse=True)
def warm_up() -> None:
    """The first calls load dateparser's languages and the gazetteer: not an example's time."""
    parse_published("17 October, 2023 | 15:21", "Asia/Almaty", sorted(DATE_LANGUAGES))
    resolve_place("Astana, Kazakhstan", "Astana")


@PROPERTY
@given(date_texts, zones, languages)
@example("17 October, 2023 | 15:21", "America", None)  # a folder of the zone database: was IsADirectoryError
def test_parse_published_is_none_or_iso(text: str, zone: str | None, langs: list[str] | None) -> None:
    found = parse_published(text, zone, langs)
    if found is None:
        return
    if len(found) == 10:
        assert EARLIEST.date() <= date.fromisoformat(found) <= (datetime.now(UTC) + FUTURE_SLACK).date()
        return
    moment = datetime.fromisoformat(found)
    comparable = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    assert EARLIEST <= comparable <= datetime.now(UTC) + FUTURE_SLACK
    if zone in ZONES:
        assert moment.tzinfo is not None, (text, zone, found)


@PROPERTY
@given(date_texts)
def test_date_span_is_none_or_text(text: str) -> None:
    span = date_span(text)
    assert span is None or (isinstance(span, str) and span)


@PROPERTY
@given(place_texts, st.one_of(st.none(), place_texts))
def test_resolve_place_is_none_or_a_location(raw: str, text: str | None) -> None:
    found = resolve_place(raw, text)
    assert found is None or (found["country_code"] is None or len(found["country_code"]) == 2)


@PROPERTY
@given(place_texts)
def test_datelines_titles_and_mentions(text: str) -> None:
    place = body_dateline(text)
    assert place is None or place in text
    city = title_city(text)
    assert city is None or isinstance(city, str)
    assert all(isinstance(code, str) and len(code) == 2 for code in places_mentioned(text))
