"""The zone of a publisher's country: its web address's country domain, and only a country that keeps one time."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.places.zones import country_zone, url_country

WINTER, SUMMER = datetime(2023, 1, 15, tzinfo=UTC), datetime(2023, 7, 15, tzinfo=UTC)


def test_the_country_of_a_country_domain() -> None:
    assert url_country("https://www.nachrichten.at/meine-welt/x") == "AT"
    assert url_country("https://www.bbc.co.uk/news") == "GB"
    assert url_country("https://www.couriermail.com.au/news") == "AU"
    assert url_country("https://www.example.com/news") is None
    assert url_country("https://startup.io/blog") is None  # sold as a generic name
    assert url_country("http://127.0.0.1:8080/page") is None
    assert url_country(None) is None and url_country("not a url") is None


def test_a_country_of_one_time() -> None:
    assert country_zone("DE", WINTER) == "Europe/Berlin"
    assert country_zone("ES", SUMMER) == "Europe/Madrid"  # the Canaries are an hour behind, and few
    assert country_zone("IN", WINTER) == "Asia/Kolkata"


def test_a_country_of_several_times_has_no_zone() -> None:
    assert country_zone("US", WINTER) is None
    assert country_zone("RU", SUMMER) is None
    assert country_zone("AU", WINTER) is None
    assert country_zone("KZ", datetime(2023, 10, 1, tzinfo=UTC)) is None  # UTC+5 and UTC+6 until March 2024
    assert country_zone("KZ", datetime(2024, 10, 1, tzinfo=UTC)) is not None
    assert country_zone(None, WINTER) is None and country_zone("ZZ", WINTER) is None
