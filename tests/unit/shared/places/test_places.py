"""Dateline places from the packaged gazetteer, ambiguity, and places mentioned (cities and demonyms count)."""

from __future__ import annotations

from shared.extraction.place_rules import body_dateline
from shared.places.mentions import capitalised_runs, places_mentioned
from shared.places.resolve import resolve_place


def test_city_and_country_in_the_dateline() -> None:
    place = resolve_place("Astana, Kazakhstan")
    assert place is not None
    assert (place["city"], place["country"], place["country_code"], place["timezone"]) == (
        "Astana",
        "Kazakhstan",
        "KZ",
        "Asia/Almaty",
    )
    assert place["lat"] is not None and place["lon"] is not None


def test_the_country_or_state_in_the_dateline_wins() -> None:
    assert (resolve_place("PARIS, Texas") or {})["country_code"] == "US"
    assert (resolve_place("Paris, Tex.") or {})["region"] == "Texas"
    assert (resolve_place("SPRINGFIELD, Ill.") or {})["region"] == "Illinois"
    assert (resolve_place("Córdoba, Argentina") or {})["country_code"] == "AR"


def test_then_the_country_the_text_mentions_most() -> None:
    text = "Protesters in Valencia rejected the results announced in Caracas. Venezuela's opposition says it won."
    assert (resolve_place("VALENCIA", text) or {})["country_code"] == "VE"
    assert (resolve_place("LONDON, Ontario", "The university is one of Canada's largest.") or {})["country_code"] == "CA"


def test_then_population() -> None:
    assert (resolve_place("Paris") or {})["country_code"] == "FR"
    assert (resolve_place("Москва") or {})["city"] == "Moscow"


def test_a_country_alone_gives_its_capital_zone_and_no_point() -> None:
    place = resolve_place("Kazakhstan") or {}
    assert place["city"] is None and place["country_code"] == "KZ" and place["timezone"] == "Asia/Almaty"
    assert resolve_place("Nowhere-in-particular") is None


def test_places_mentioned_count_cities_and_demonyms() -> None:
    text = "Kazakhstan condemned the attacks on Israeli citizens. The summit in Bishkek ended on Friday."
    assert set(places_mentioned(text)) >= {"KZ", "IL", "KG"}
    assert "RU" in places_mentioned("Президент прибыл в Москву.")


def test_runs_of_capitalised_words_and_where_they_end() -> None:
    text = "U.S. envoys met the Bank of England\u2019s governor in New York — then 3 Paris-based firms; Montre\u0301al too."
    runs = [["U.", "S"], ["Bank", "of", "England"], ["New", "York"], ["Paris-based"], ["Montre\u0301al"]]
    assert capitalised_runs(text) == runs
    assert places_mentioned("Talks in Montre\u0301al, then Que\u0301bec.") == ["CA"]  # accents as combining marks


def test_opening_datelines_of_wire_copy() -> None:
    assert body_dateline("WASHINGTON (Reuters) — The Senate voted") == "WASHINGTON"
    assert body_dateline("PARIS, Texas (AP) — Storms hit") == "PARIS, Texas"
    assert body_dateline("Berlin (dpa) - Der Bundestag") == "Berlin"
    assert body_dateline("Madrid, 6 feb (EFE).- El Consejo") == "Madrid"
    assert body_dateline("The minister said — no comment") is None
